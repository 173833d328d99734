//! The command line: `docs-gen [--out DIR] [--check] [--format LIST]`.
//!
//! Exit codes: 0 when the files were written or are up to date, 1 when `--check` found a difference or an event
//! is over the product's payload budget (the files are still written without `--check`), 2 when nothing could be
//! generated (a registry problem, a bad argument, a file that cannot be read or written).

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Arg, ArgAction, Command, value_parser};
pub use telemetry_schema::SourceLocation;
use telemetry_schema::schema::SchemaOptions;

use telemetry_schema::Date;

use crate::{Archive, Difference, Disclosure, Format, generate_with_archive};

/// `--check` found files that are out of date, or an event is over the product's payload budget.
pub const EXIT_OUT_OF_DATE: u8 = 1;
/// Nothing could be generated or compared.
pub const EXIT_ERROR: u8 = 2;

/// The docs-gen binary being run: where its crate is and where its `main` is, captured by [`main!`](crate::main!).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Binary {
    /// The binary's package name, for the "run `cargo run -p ...`" hint.
    pub package: &'static str,
    /// The binary crate's directory at build time (`CARGO_MANIFEST_DIR`).
    pub manifest_dir: &'static str,
    /// Where `main` calls docs-gen: registry problems about linking point here.
    pub main: SourceLocation,
}

/// The whole `main` of a docs-gen binary: `fn main() -> std::process::ExitCode { telemetry_docs::main!() }`.
///
/// Reads the command line, documents the events and product linked into the binary, and writes or checks the
/// files. See [`run`].
#[macro_export]
macro_rules! main {
    () => {
        $crate::cli::run(
            &$crate::cli::Binary {
                package: ::core::env!("CARGO_PKG_NAME"),
                manifest_dir: ::core::env!("CARGO_MANIFEST_DIR"),
                main: $crate::cli::SourceLocation { file: ::core::file!(), line: ::core::line!() },
            },
            ::std::env::args_os(),
        )
    };
}

/// Runs the command line `args` (the program name first) and returns the exit code, printing to stdout and
/// stderr.
pub fn run(binary: &Binary, args: impl IntoIterator<Item = OsString>) -> ExitCode {
    let code = run_with(binary, args, &mut std::io::stdout().lock(), &mut std::io::stderr().lock());
    ExitCode::from(code)
}

/// [`run`] with the output streams given, returning the exit code as a number (for tests).
pub fn run_with(
    binary: &Binary,
    args: impl IntoIterator<Item = OsString>,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> u8 {
    match run_inner(binary, args, stdout, stderr) {
        Ok(code) => code,
        Err(message) => {
            // Nothing sensible is left to do if stderr itself is closed.
            let _ = writeln!(stderr, "{message}");
            EXIT_ERROR
        }
    }
}

fn command(binary: &Binary) -> Command {
    Command::new(binary.package)
        .about("Writes the \"what is collected\" telemetry page, its catalog and the JSON Schemas for the events linked into this program.")
        .after_help(
            "Exit status: 0 when the files were written or are up to date, 1 when --check found a difference \
             or an event is over the product's payload budget, 2 on an error.",
        )
        .arg(
            Arg::new("out")
                .long("out")
                .value_name("DIR")
                .value_parser(value_parser!(PathBuf))
                .help("Directory to write into (default: the workspace root)"),
        )
        .arg(
            Arg::new("check")
                .long("check")
                .action(ArgAction::SetTrue)
                .help("Write nothing: compare the files with what would be generated, print a diff and exit 1 if they differ"),
        )
        .arg(
            Arg::new("today")
                .long("today")
                .value_name("YYYY-MM-DD")
                .value_parser(|text: &str| Date::parse(text).ok_or("expected an existing date written YYYY-MM-DD"))
                .help("The date expiry dates are checked against (default: today in UTC); nothing written depends on it"),
        )
        .arg(
            Arg::new("format")
                .long("format")
                .value_name("LIST")
                .value_delimiter(',')
                .action(ArgAction::Append)
                .value_parser(Format::ALL.map(Format::name))
                .help("Only these outputs, comma-separated (default: all)"),
        )
}

fn run_inner(
    binary: &Binary,
    args: impl IntoIterator<Item = OsString>,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<u8, String> {
    let matches = match command(binary).try_get_matches_from(args) {
        Ok(matches) => matches,
        Err(error) => {
            let code = if error.use_stderr() { EXIT_ERROR } else { 0 };
            let text = error.render().to_string();
            let _ = if error.use_stderr() { write!(stderr, "{text}") } else { write!(stdout, "{text}") };
            return Ok(code);
        }
    };
    let formats: Vec<Format> = match matches.get_many::<String>("format") {
        Some(names) => names.filter_map(|name| Format::from_name(name)).collect(),
        None => Format::ALL.to_vec(),
    };
    let out = match matches.get_one::<PathBuf>("out") {
        Some(dir) => dir.clone(),
        None => default_out_dir(binary),
    };

    let disclosure = Disclosure::from_registry().map_err(|lints| {
        lints
            .problems()
            .iter()
            .map(|lint| if lint.is_about_the_binary() { format!("{}: {lint}", binary.main) } else { lint.to_string() })
            .collect::<Vec<_>>()
            .join("\n")
    })?;
    let schema_options = SchemaOptions::for_product(disclosure.product);
    let shown = out.display();
    let check = matches.get_flag("check");
    // The budget holds whatever is generated: the files are still written (so the page shows every figure), and
    // both modes fail.
    let over_budget = crate::over_budget(disclosure.product, &disclosure.events);
    for event in &over_budget {
        let _ = writeln!(stderr, "{event}");
    }

    // The archive decides before anything is written: a refused change must not overwrite the published entry
    // the next run compares against.
    let archive = Archive::load(&out).map_err(|error| error.to_string())?;
    let archive = match archive.update(&disclosure).map_err(|error| error.to_string())? {
        Ok(updated) => updated,
        Err(problems) => {
            for problem in &problems {
                let _ = writeln!(stderr, "{problem}");
            }
            let _ = writeln!(
                stderr,
                "error: {} {} with the published versions in {shown}; nothing was {}",
                problems.len(),
                if problems.len() == 1 { "problem" } else { "problems" },
                if check { "compared" } else { "written" }
            );
            return Ok(EXIT_OUT_OF_DATE);
        }
    };
    let today = match matches.get_one::<Date>("today") {
        Some(date) => Some(*date),
        None => Date::today(),
    };
    let mut expired = 0;
    for notice in today.map(|today| crate::expiry_notices(&disclosure, today)).unwrap_or_default() {
        expired += usize::from(notice.is_error());
        let _ = writeln!(stderr, "{notice}");
    }
    let generated =
        generate_with_archive(&disclosure, &archive, &formats, &schema_options).map_err(|error| error.to_string())?;

    if check {
        if expired > 0 {
            let _ = writeln!(
                stderr,
                "error: {expired} {} an expiry date that must be fixed first",
                if expired == 1 { "event has" } else { "events have" }
            );
            return Ok(EXIT_OUT_OF_DATE);
        }
        let differences = generated.check(&out).map_err(|error| format!("error: {error}"))?;
        if differences.is_empty() && !over_budget.is_empty() {
            return Ok(EXIT_OUT_OF_DATE);
        }
        if differences.is_empty() {
            let _ =
                writeln!(stdout, "docs-gen: the {} generated files in {shown} are up to date", generated.files.len());
            return Ok(0);
        }
        for difference in &differences {
            let _ = write!(stdout, "{difference}");
            if !matches!(difference, Difference::Changed { .. }) {
                let _ = writeln!(stdout);
            }
        }
        let paths: Vec<&str> = differences.iter().map(Difference::path).collect();
        let _ = writeln!(
            stderr,
            "error: {} generated {} out of date in {shown}: {}\nrun `cargo run -p {}` to regenerate, then commit \
             the result",
            paths.len(),
            if paths.len() == 1 { "file is" } else { "files are" },
            paths.join(", "),
            binary.package
        );
        return Ok(EXIT_OUT_OF_DATE);
    }

    let report = generated.write(&out).map_err(|error| format!("error: {error}"))?;
    let _ = writeln!(
        stdout,
        "docs-gen: documented {} events of {} {} in {shown}",
        disclosure.events.len(),
        disclosure.product.sdk_name(),
        disclosure.product.sdk_version()
    );
    for (path, status) in report {
        let _ = writeln!(stdout, "  {status:<9} {path}");
    }
    Ok(if over_budget.is_empty() { 0 } else { EXIT_OUT_OF_DATE })
}

/// The workspace root of the binary's crate: the runtime `CARGO_MANIFEST_DIR` when run by cargo (so a moved
/// checkout still works), else the one from build time, then up to the nearest directory whose `Cargo.toml` has a
/// `[workspace]` table. Without one, the crate's own directory.
fn default_out_dir(binary: &Binary) -> PathBuf {
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .filter(|dir| dir.join("Cargo.toml").is_file())
        .unwrap_or_else(|| PathBuf::from(binary.manifest_dir));
    workspace_root(&manifest_dir).unwrap_or(manifest_dir)
}

/// The nearest directory at or above `start` whose `Cargo.toml` declares a `[workspace]`.
pub fn workspace_root(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .find(|dir| {
            std::fs::read_to_string(dir.join("Cargo.toml"))
                .map(|manifest| manifest.lines().any(|line| line.trim() == "[workspace]"))
                .unwrap_or(false)
        })
        .map(Path::to_path_buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_workspace_root_is_found_from_a_member_crate() {
        let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
        let root = workspace_root(crate_dir).expect("docs-gen is in a workspace");
        assert_eq!(root, crate_dir.parent().unwrap());
        assert!(root.join("docs-gen").is_dir());
        assert_eq!(workspace_root(Path::new("/")), None);
    }
}
