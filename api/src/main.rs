use api::config::Settings;
use api::startup::Application;
use std::process::ExitCode;

#[actix_web::main]
async fn main() -> ExitCode {
    api::telemetry::init();
    let settings = match Settings::from_env() {
        Ok(settings) => settings,
        Err(e) => {
            eprintln!("api: {e}");
            return ExitCode::FAILURE;
        }
    };
    let started = match Application::build(settings).await {
        Ok(app) => app.run_until_stopped().await.map_err(|e| e.to_string()),
        Err(e) => Err(e.to_string()),
    };
    match started {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("api: {e}");
            ExitCode::FAILURE
        }
    }
}
