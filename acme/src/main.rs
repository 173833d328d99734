//! `acme`: the demo CLI of the example SDK. Its commands pretend to work and emit the SDK's real events;
//! `acme telemetry status|enable|disable` is the toolkit's ready subcommand.
//!
//! ```text
//! cargo run -p acme -- build
//! ACME_TELEMETRY_DEBUG=1 cargo run -p acme -- build   # print events, send nothing
//! cargo run -p acme -- telemetry disable
//! ```

use std::collections::BTreeSet;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::{Arg, ArgAction, Command as Cli};
use example_sdk::PRODUCT;
use example_sdk::events::{
    Arch, BuildFinished, Bundler, CliCommand, CloudProvider, Command, DeployFinished, DeployOutcome, DevServerStarted,
    Feature, FeatureUsage, Os, Plugin,
};
use telemetry_client::cli::{self, TelemetryAction};
use telemetry_client::{Client, ProcessEnv};

fn cli() -> Cli {
    Cli::new("acme")
        .about("Acme: build, serve and deploy web projects (a demo of the telemetry toolkit)")
        .version(env!("CARGO_PKG_VERSION"))
        .subcommand_required(true)
        .subcommand(Cli::new("build").about("Make a production build"))
        .subcommand(Cli::new("dev").about("Start the development server (the demo exits once it is ready)"))
        .subcommand(Cli::new("deploy").about("Deploy the production build").arg(
            Arg::new("production").long("production").action(ArgAction::SetTrue).help("Deploy to the production stage"),
        ))
        .subcommand(cli::command(&PRODUCT))
}

/// The project's configuration file, in the directory `acme` runs in. Its `"telemetry": false` is
/// `PRODUCT`'s config switch, which the telemetry client reads and enforces itself.
const CONFIG_FILE: &str = "acme.config.json";

fn main() -> ExitCode {
    let matches = cli().get_matches();
    let Some((name, args)) = matches.subcommand() else {
        return ExitCode::FAILURE;
    };
    let mut builder = Client::builder(&PRODUCT);
    // The project is the directory acme runs in: the client reads PRODUCT's config switch (`"telemetry": false`
    // in its acme.config.json) there, and sends a salted hash of it as the project id.
    if let Ok(root) = std::env::current_dir() {
        builder = builder.project_root(root);
    }

    if name == cli::COMMAND_NAME {
        // Deciding about telemetry neither announces nor sends any.
        let client = builder.build_settings_only();
        let action = TelemetryAction::from_matches(args).unwrap_or(TelemetryAction::Status);
        return match cli::run(&client, action, &mut std::io::stdout()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(err) => {
                eprintln!("error: {err}");
                ExitCode::FAILURE
            }
        };
    }

    let telemetry = builder.build();
    // When main returns: flush for at most the budget (80 ms), then stop. No process is left behind.
    let _guard = telemetry.flush_guard();

    let command = match name {
        "build" => Command::Build,
        "dev" => Command::Dev,
        _ => Command::Deploy,
    };
    telemetry.track(CliCommand {
        command,
        cli_version: PRODUCT.sdk_version(),
        is_ci: telemetry_client::is_ci(&ProcessEnv),
        cpu_count: std::thread::available_parallelism().map_or(1, |n| u16::try_from(n.get()).unwrap_or(u16::MAX)),
        os: Os::CURRENT,
        arch: Arch::CURRENT,
    });

    let started = Instant::now();
    match command {
        Command::Build => {
            println!("Creating an optimized production build...");
            telemetry.track(BuildFinished {
                duration: started.elapsed().max(Duration::from_millis(1)),
                page_count: 14,
                static_page_count: 9,
                plugins: BTreeSet::from([Plugin::Images, Plugin::Mdx]),
                bundler: Bundler::Turbopack,
                has_custom_config: std::path::Path::new(CONFIG_FILE).exists(),
            });
            for (feature, invocation_count) in [(Feature::Middleware, 1), (Feature::ServerActions, 6)] {
                telemetry.track(FeatureUsage { feature, invocation_count });
            }
            println!("Built 14 pages (9 static).");
        }
        Command::Dev => {
            telemetry.track(DevServerStarted {
                startup: started.elapsed().max(Duration::from_millis(1)),
                turbo: true,
                https: false,
                route_count: 14,
            });
            println!("Ready on http://localhost:3000");
        }
        _ => {
            let production = args.get_flag("production");
            telemetry.track(DeployFinished {
                provider: CloudProvider::Aws,
                outcome: DeployOutcome::Succeeded,
                duration: started.elapsed().max(Duration::from_millis(1)),
                resources_changed: 3,
                production,
            });
            println!("Deployed to the {} stage.", if production { "production" } else { "preview" });
        }
    }
    ExitCode::SUCCESS
}
