//! A ready `telemetry status|enable|disable` subcommand for an SDK's clap CLI (feature `cli`, on by default).
//!
//! With clap's builder API, mount [`command`] and hand the matches to [`TelemetryAction::from_matches`]:
//!
//! ```
//! use telemetry_client::cli::{self, TelemetryAction};
//! # use telemetry_schema::Product;
//! # const PRODUCT: Product = Product::builder("Acme", "acme", telemetry_schema::version!("1.0.0"))
//! #     .env_prefix("ACME").opt_out().endpoint("https://t.example/v1").purpose("Why.")
//! #     .cli_command("acme telemetry").build();
//!
//! let app = clap::Command::new("acme").subcommand(cli::command(&PRODUCT));
//! let matches = app.try_get_matches_from(["acme", "telemetry", "disable"]).unwrap();
//! let (name, sub) = matches.subcommand().unwrap();
//! assert_eq!(name, cli::COMMAND_NAME);
//! assert_eq!(TelemetryAction::from_matches(sub), Some(TelemetryAction::Disable));
//! // then: cli::run(&client, action, &mut std::io::stdout())
//! ```
//!
//! With clap's derive API, use [`TelemetryArgs`] as a subcommand variant's field:
//! `enum Cmd { Telemetry(telemetry_client::cli::TelemetryArgs), ... }`, and pass the derived command through
//! [`with_telemetry_help`] so `telemetry --help` says what the builder form says.

use std::fmt;
use std::io::{self, Write};

use clap::{ArgMatches, Args, Command, FromArgMatches};
use telemetry_schema::Product;

use crate::client::Client;
use crate::store::SaveError;

/// The subcommand's name: `telemetry`.
pub const COMMAND_NAME: &str = "telemetry";

/// What the user asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TelemetryAction {
    /// Show whether telemetry is on, why, where the choice is kept and how to change it.
    Status,
    /// Save the choice to turn telemetry on.
    Enable,
    /// Save the choice to turn telemetry off (and forget the install id).
    Disable,
}

impl TelemetryAction {
    /// Reads the action from the matches of the `telemetry` subcommand; no action means `status`.
    pub fn from_matches(matches: &ArgMatches) -> Option<Self> {
        match matches.subcommand_name() {
            None | Some("status") => Some(TelemetryAction::Status),
            Some("enable") => Some(TelemetryAction::Enable),
            Some("disable") => Some(TelemetryAction::Disable),
            Some(_) => None,
        }
    }
}

fn add_actions(cmd: Command) -> Command {
    cmd.subcommand(Command::new("status").about("Show whether telemetry is on, why, and how to change it"))
        .subcommand(Command::new("enable").about("Turn telemetry on (saved for this user)"))
        .subcommand(Command::new("disable").about("Turn telemetry off (saved for this user) and delete the install id"))
}

/// The `telemetry` subcommand with `status`, `enable` and `disable`, described for `product`.
pub fn command(product: &Product) -> Command {
    add_actions(describe(Command::new(COMMAND_NAME), product))
}

fn describe(cmd: Command, product: &Product) -> Command {
    cmd.about(format!("Show or change whether {} sends usage data", product.name())).after_help(format!(
        "Environment: {}=1 or DO_NOT_TRACK=1 turns telemetry off; {}=1 prints every event instead of sending it.",
        product.disabled_var(),
        product.debug_var()
    ))
}

/// Gives the `telemetry` subcommand of a CLI built with clap's derive API the toolkit's help text (what
/// [`command`] has): the derive only knows the variant's doc comment.
///
/// ```
/// use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
/// use telemetry_client::cli::{self, TelemetryAction, TelemetryArgs};
/// # use telemetry_schema::Product;
/// # const PRODUCT: Product = Product::builder("Acme", "acme", telemetry_schema::version!("1.0.0"))
/// #     .env_prefix("ACME").opt_out().endpoint("https://t.example/v1").purpose("Why.").build();
///
/// #[derive(Parser)]
/// struct Cli {
///     #[command(subcommand)]
///     command: Cmd,
/// }
///
/// #[derive(Subcommand)]
/// enum Cmd {
///     /// Deploy the project.
///     Deploy,
///     Telemetry(TelemetryArgs),
/// }
///
/// let mut app = cli::with_telemetry_help(Cli::command(), &PRODUCT);
/// let help = app.find_subcommand_mut("telemetry").unwrap().render_help().to_string();
/// assert!(help.contains("Show or change whether Acme sends usage data"), "{help}");
/// assert!(help.contains("ACME_TELEMETRY_DISABLED=1 or DO_NOT_TRACK=1"), "{help}");
///
/// let matches = app.try_get_matches_from(["acme", "telemetry", "disable"]).unwrap();
/// let Cmd::Telemetry(args) = Cli::from_arg_matches(&matches).unwrap().command else { unreachable!() };
/// assert_eq!(args.action, TelemetryAction::Disable);
/// ```
pub fn with_telemetry_help(cmd: Command, product: &Product) -> Command {
    cmd.mut_subcommand(COMMAND_NAME, |sub| describe(sub, product))
}

/// The `telemetry` subcommand's arguments for clap's derive API.
///
/// ```
/// use clap::{FromArgMatches, Subcommand};
/// use telemetry_client::cli::{TelemetryAction, TelemetryArgs};
///
/// // What `#[derive(Subcommand)] enum Cmd { Telemetry(TelemetryArgs) }` generates, by hand:
/// let cmd = clap::Command::new("acme")
///     .subcommand(<TelemetryArgs as clap::Args>::augment_args(clap::Command::new("telemetry")));
/// let matches = cmd.try_get_matches_from(["acme", "telemetry", "enable"]).unwrap();
/// let args = TelemetryArgs::from_arg_matches(matches.subcommand_matches("telemetry").unwrap()).unwrap();
/// assert_eq!(args.action, TelemetryAction::Enable);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TelemetryArgs {
    /// The action (`status` when none is given).
    pub action: TelemetryAction,
}

impl FromArgMatches for TelemetryArgs {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        TelemetryAction::from_matches(matches)
            .map(|action| TelemetryArgs { action })
            .ok_or_else(|| clap::Error::new(clap::error::ErrorKind::InvalidSubcommand))
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(matches)?;
        Ok(())
    }
}

impl Args for TelemetryArgs {
    fn augment_args(cmd: Command) -> Command {
        add_actions(cmd)
    }

    fn augment_args_for_update(cmd: Command) -> Command {
        add_actions(cmd)
    }
}

/// The user's choice could not be saved; the message says what to do instead.
#[derive(Debug)]
pub struct CommandError {
    action: TelemetryAction,
    disabled_var: String,
    source: SaveError,
}

impl fmt::Display for CommandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.source)?;
        match self.action {
            TelemetryAction::Disable => write!(
                f,
                "\nTelemetry is off for this run only. To keep it off, set {}=1 (or DO_NOT_TRACK=1) in your \
                 shell profile, or make the directory writable and run this again.",
                self.disabled_var
            ),
            _ => write!(f, "\nYour choice was not saved: make the directory writable and run this again."),
        }
    }
}

impl std::error::Error for CommandError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

/// Carries out `action` with `client`, writing what happened for a person to `out`.
///
/// # Errors
/// When `enable` or `disable` cannot save the choice: print the error (it says what to do) and exit non-zero.
pub fn run(client: &Client, action: TelemetryAction, out: &mut dyn Write) -> Result<(), CommandError> {
    let product = client.status().product;
    let fail = |source| CommandError { action, disabled_var: product.disabled_var(), source };
    let _ = match action {
        TelemetryAction::Status => writeln!(out, "{}", client.status()),
        TelemetryAction::Enable => {
            let status = client.enable().map_err(fail)?;
            report_change(out, "enabled", &status)
        }
        TelemetryAction::Disable => {
            let status = client.disable().map_err(fail)?;
            report_change(out, "disabled", &status)
        }
    };
    Ok(())
}

fn report_change(out: &mut dyn Write, what: &str, status: &crate::Status) -> io::Result<()> {
    let where_ = status.settings_path.as_ref().map(|p| format!(" (saved in {})", p.display())).unwrap_or_default();
    writeln!(out, "Your choice is saved: {} telemetry {what}{where_}.", status.product.name())?;
    if what == "disabled" {
        writeln!(out, "The install id was deleted; nothing more is sent from this machine.")?;
    }
    let wanted = what == "enabled";
    if status.consent.enabled != wanted {
        writeln!(
            out,
            "Note: telemetry is still {} here, because {}.",
            if status.consent.enabled { "on" } else { "off" },
            status.consent.reason(status.product)
        )?;
    }
    Ok(())
}
