//! `cognito-emulator`: an offline Cognito user pool for development and tests.

use clap::Parser;
use cognito_emulator::config::EmulatorConfig;
use cognito_emulator::Options;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(version, about)]
struct Args {
    /// The pool's TOML file.
    #[arg(long, default_value_os_t = EmulatorConfig::dev_config_path())]
    config: PathBuf,
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 9229, env = "EMULATOR_PORT")]
    port: u16,
    /// Address to bind.
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// Base URL clients reach the emulator at (default http://localhost:PORT).
    #[arg(long)]
    public_url: Option<String>,
    /// Do not serve the /_emulator/ test hooks.
    #[arg(long)]
    no_test_hooks: bool,
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let args = Args::parse();
    match run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("cognito-emulator: {err}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    let config = EmulatorConfig::load(&args.config)?;
    let listener = TcpListener::bind((args.host.as_str(), args.port))
        .map_err(|e| format!("cannot listen on {}:{}: {e}", args.host, args.port))?;
    let options = Options {
        public_url: args.public_url,
        test_hooks: !args.no_test_hooks,
        ..Options::default()
    };
    actix_web::rt::System::new().block_on(async move {
        let (server, running) = cognito_emulator::build(&config, &options, listener)?;
        tracing::info!(
            base_url = %running.base_url,
            pool_id = %config.pool.id,
            issuer = %running.issuer,
            test_hooks = options.test_hooks,
            "cognito emulator listening"
        );
        for client in &config.clients {
            tracing::info!(name = %client.name, client_id = %client.id, "app client");
        }
        server.await?;
        Ok(())
    })
}
