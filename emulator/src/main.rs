//! `cognito-emulator`: an offline Cognito user pool for development and tests.

use clap::{Parser, ValueEnum};
use cognito_emulator::config::EmulatorConfig;
use cognito_emulator::{IssuerMode, Options};
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
    /// Base URL clients reach the emulator at (default http://localhost:PORT);
    /// its host is the only one, besides loopback names, the emulator answers to.
    #[arg(long)]
    public_url: Option<String>,
    /// Serve the /_emulator/ test hooks (to loopback peers only). Off by default:
    /// they let anyone on this machine create users and read their codes.
    #[arg(long)]
    test_hooks: bool,
    /// Keep users, sessions, refresh tokens and keys in this file across restarts.
    #[arg(long)]
    state: Option<PathBuf>,
    /// The `iss` of issued tokens: `local` ({public_url}/{poolId}) or `aws`
    /// (https://cognito-idp.{region}.amazonaws.com/{poolId}).
    #[arg(long, value_enum, default_value_t = Issuer::Local)]
    issuer: Issuer,
    /// Print the API's COGNITO_* variables for this app client (name or id) and exit.
    #[arg(long, value_name = "CLIENT")]
    print_api_env: Option<String>,
}

#[derive(Clone, Copy, ValueEnum)]
enum Issuer {
    Local,
    Aws,
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
    let public_url = args
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://localhost:{}", args.port));
    if let Some(wanted) = &args.print_api_env {
        let client = config
            .clients
            .iter()
            .find(|c| &c.name == wanted || &c.id == wanted)
            .ok_or_else(|| format!("{} has no app client {wanted}", args.config.display()))?;
        println!("COGNITO_ENDPOINT={}", public_url.trim_end_matches('/'));
        println!("COGNITO_POOL_ID={}", config.pool.id);
        println!("COGNITO_CLIENT_ID={}", client.id);
        println!(
            "COGNITO_CLIENT_SECRET={}",
            client.secret.as_deref().unwrap_or_default()
        );
        return Ok(());
    }
    let listener = TcpListener::bind((args.host.as_str(), args.port))
        .map_err(|e| format!("cannot listen on {}:{}: {e}", args.host, args.port))?;
    let options = Options {
        public_url: args.public_url,
        test_hooks: args.test_hooks,
        state: args.state,
        issuer: match args.issuer {
            Issuer::Local => IssuerMode::Local,
            Issuer::Aws => IssuerMode::Aws,
        },
        ..Options::default()
    };
    actix_web::rt::System::new().block_on(async move {
        let (server, running) = cognito_emulator::build(&config, &options, listener)?;
        tracing::info!(
            base_url = %running.base_url,
            pool_id = %config.pool.id,
            issuer = %running.issuer,
            test_hooks = options.test_hooks,
            state = ?options.state,
            "cognito emulator listening"
        );
        for client in &config.clients {
            tracing::info!(name = %client.name, client_id = %client.id, "app client");
        }
        server.await?;
        Ok(())
    })
}
