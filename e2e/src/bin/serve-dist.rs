//! `serve-dist --dir target/dist-b --port 3001 --api-url http://localhost:8001`:
//! a built UI with its own `config.json` (app B in `cargo xtask dev --app-b`).

use clap::Parser;
use std::net::TcpListener;
use std::path::PathBuf;

#[derive(Parser)]
struct Args {
    #[arg(long)]
    dir: PathBuf,
    #[arg(long)]
    port: u16,
    #[arg(long)]
    api_url: String,
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let args = Args::parse();
    let listener = TcpListener::bind(("127.0.0.1", args.port))?;
    println!(
        "serving {} on http://localhost:{} (API {})",
        args.dir.display(),
        args.port,
        args.api_url
    );
    e2e::serve_dist(args.dir, &args.api_url, listener)?.await
}
