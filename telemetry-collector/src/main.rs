//! `telemetry-collector`: see `--help`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use telemetry_collector::config::LogFormat;
use telemetry_collector::ddl::{self, Dialect};
use telemetry_collector::{Collector, Config, coverage, load_schemas, report};

/// The telemetry toolkit's ingest server.
///
/// With no subcommand, serves POST /v1/batch on 127.0.0.1:4318 with ./schemas and an SQLite store
/// ./telemetry.db. Every event is validated against every archived schema version; valid events go to one typed
/// table per event version (cli_command_v1, ...), rejected ones to `quarantine` with the reason. A request is
/// answered 2xx only once committed; a retried batch (same batch_id) is stored once. The client's address, user
/// agent and headers are never stored or logged.
#[derive(Debug, Parser)]
#[command(name = "telemetry-collector", version, args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    serve: Config,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve POST /v1/batch (the default).
    Serve(Box<Config>),
    /// Print the tables the collector creates for the schemas, as SQL.
    Ddl {
        /// The SQL dialect.
        #[arg(long, value_enum, default_value = "sqlite")]
        dialect: Dialect,
        /// The folder holding bundle.json.
        #[arg(long, value_name = "DIR", default_value = "schemas")]
        schemas: PathBuf,
    },
    /// Summarise what the store holds: events per day, active installs, SDK versions, and the distribution of
    /// every field, aggregated by the store in SQL. Plain text, or an HTML page with inline SVG charts.
    Report {
        /// The store to read (as for serve).
        #[arg(long, value_name = "URL", default_value = "sqlite:telemetry.db")]
        store: telemetry_collector::store::StoreUrl,
        /// The folder holding bundle.json (the charts' captions are its descriptions).
        #[arg(long, value_name = "DIR", default_value = "schemas")]
        schemas: PathBuf,
        /// Write an HTML page here instead of printing text.
        #[arg(long, value_name = "PATH")]
        html: Option<PathBuf>,
        /// How many connections read the tables at once (default: the number of CPUs, at most 4; never more than one
        /// per table).
        #[arg(long, value_name = "N")]
        connections: Option<std::num::NonZeroUsize>,
    },
    /// List the declared events, versions, fields and values the store has never seen, and the quarantine by
    /// reason. With --fail-under, exit 1 when less than that share of the declared items was seen (a CI gate).
    Coverage {
        /// The store to read (as for serve).
        #[arg(long, value_name = "URL", default_value = "sqlite:telemetry.db")]
        store: telemetry_collector::store::StoreUrl,
        /// The folder holding bundle.json.
        #[arg(long, value_name = "DIR", default_value = "schemas")]
        schemas: PathBuf,
        /// Fail (exit 1) when coverage is below this percentage.
        #[arg(long, value_name = "PERCENT")]
        fail_under: Option<f64>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match cli.command {
        Some(Command::Ddl { dialect, schemas }) => {
            return match load_schemas(&schemas) {
                Ok((_, model)) => {
                    print!("{}", ddl::render(dialect, &model));
                    ExitCode::SUCCESS
                }
                Err(error) => {
                    eprintln!("telemetry-collector: {error}");
                    ExitCode::FAILURE
                }
            };
        }
        Some(Command::Report { store, schemas, html, connections }) => {
            let connections = connections.map_or_else(
                || std::thread::available_parallelism().map_or(1, |n| n.get().min(4)),
                std::num::NonZeroUsize::get,
            );
            return match run_report(&store, &schemas, html.as_deref(), connections) {
                Ok(()) => ExitCode::SUCCESS,
                Err(error) => {
                    eprintln!("telemetry-collector report: {error}");
                    ExitCode::FAILURE
                }
            };
        }
        Some(Command::Coverage { store, schemas, fail_under }) => {
            let result = load_schemas(&schemas).map_err(|error| error.to_string()).and_then(|(_, model)| {
                let mut query = report::connect(&store)?;
                coverage::check(query.as_mut(), &model)
            });
            return match result {
                Ok(found) => {
                    print!("{}", coverage::text(&found));
                    match fail_under {
                        Some(bar) if found.percent() < bar => {
                            eprintln!("telemetry-collector coverage: {:.1} % is under {bar} %", found.percent());
                            ExitCode::FAILURE
                        }
                        _ => ExitCode::SUCCESS,
                    }
                }
                Err(error) => {
                    eprintln!("telemetry-collector coverage: {error}");
                    ExitCode::FAILURE
                }
            };
        }
        Some(Command::Serve(config)) => *config,
        None => cli.serve,
    };
    init_logs(config.log_format);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("telemetry-collector: cannot start the runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async {
        let collector = match Collector::bind(config).await {
            Ok(collector) => collector,
            Err(error) => {
                tracing::error!(%error, "cannot start");
                eprintln!("telemetry-collector: {error}");
                return ExitCode::FAILURE;
            }
        };
        collector.serve(shutdown_signal()).await;
        ExitCode::SUCCESS
    })
}

fn run_report(
    store: &telemetry_collector::store::StoreUrl,
    schemas: &std::path::Path,
    html: Option<&std::path::Path>,
    connections: usize,
) -> Result<(), String> {
    let (_, model) = load_schemas(schemas).map_err(|error| error.to_string())?;
    let bundle: serde_json::Value = std::fs::read(schemas.join("bundle.json"))
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default();
    let report = report::build_concurrently(store, &model, &bundle, connections)?;
    match html {
        None => print!("{}", report::text(&report)),
        Some(path) => {
            let generated = format!("{} events stored.", report.totals.iter().map(|(_, n)| n).sum::<u64>());
            std::fs::write(path, report::html(&report, &generated))
                .map_err(|error| format!("cannot write {}: {error}", path.display()))?;
        }
    }
    Ok(())
}

fn init_logs(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}

/// SIGTERM or Ctrl-C.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
    tracing::info!("shutdown signal received");
}
