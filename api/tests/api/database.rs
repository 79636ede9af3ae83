//! The store on both databases it supports: SQLite (the default) and a real
//! PostgreSQL server, started here in a temporary directory on a free port.

use api::store::{StatFilter, StatsStore, StoreError};
use shared::dto::KpiInput;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A throwaway PostgreSQL server; stopped and deleted when dropped.
struct Postgres {
    bin: PathBuf,
    dir: PathBuf,
    port: u16,
    as_postgres: bool,
}

impl Postgres {
    fn start() -> Self {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .ok()
            .and_then(|versions| {
                versions
                    .filter_map(Result::ok)
                    .map(|v| v.path().join("bin"))
                    .find(|bin| bin.join("initdb").exists())
            })
            .expect(
                "PostgreSQL server binaries (Debian's postgresql; cargo xtask test installs it)",
            );
        // The server refuses to run as root: run it as the postgres user then.
        let as_postgres = Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
        let dir = std::env::temp_dir().join(format!("api-pg-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).expect("pg dir");
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let server = Self {
            bin,
            dir,
            port,
            as_postgres,
        };
        if as_postgres {
            let status = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(&server.dir)
                .status()
                .expect("chown");
            assert!(status.success());
        }
        let data = server.dir.join("data");
        server.run(
            "initdb",
            &["-D", path(&data), "-U", "kpi", "--auth=trust", "-E", "UTF8"],
        );
        let options = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            server.dir.display()
        );
        server.run(
            "pg_ctl",
            &[
                "-D",
                path(&data),
                "-o",
                &options,
                "-w",
                "-l",
                path(&server.dir.join("log")),
                "start",
            ],
        );
        server.run(
            "createdb",
            &[
                "-h",
                "127.0.0.1",
                "-p",
                &port.to_string(),
                "-U",
                "kpi",
                "kpi",
            ],
        );
        server
    }

    /// A server tool, as the postgres user when we are root.
    fn command(&self, tool: &str) -> Command {
        let program = self.bin.join(tool);
        if self.as_postgres {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(program);
            command
        } else {
            Command::new(program)
        }
    }

    fn run(&self, tool: &str, args: &[&str]) {
        let output = self
            .command(tool)
            .args(args)
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| panic!("cannot run {tool}: {e}"));
        assert!(
            output.status.success(),
            "{tool} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }

    fn url(&self) -> String {
        format!("postgres://kpi@127.0.0.1:{}/kpi", self.port)
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let data = self.dir.join("data");
        let _ = self
            .command("pg_ctl")
            .args(["-D", path(&data), "-m", "immediate", "stop"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn path(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

fn input(kpi: &str, period: &str, value: f64) -> KpiInput {
    KpiInput {
        kpi: kpi.into(),
        period: period.into(),
        value,
    }
}

/// Everything the API asks of its store, against `url`.
async fn exercise_store(url: &str) {
    let store = StatsStore::connect(url)
        .await
        .expect("connects and migrates");
    assert!(
        store.seed_if_new().await.expect("seeds"),
        "a new database is seeded"
    );
    let all = store.list(&StatFilter::default()).await.expect("lists");
    assert_eq!(all.len(), 72);
    let year = all[0].year;
    let sales = store
        .list(&StatFilter {
            kpi: Some("sales".into()),
            year: Some(year),
        })
        .await
        .expect("filters");
    assert_eq!(sales.len(), 12);
    assert!(sales.windows(2).all(|w| w[0].period < w[1].period));

    let created = store
        .create(&input("churn", "202503", 4.25))
        .await
        .expect("creates");
    assert_eq!(
        (created.year, created.month, created.value),
        (2025, 3, 4.25)
    );
    assert!(matches!(
        store.create(&input("churn", "202503", 1.0)).await,
        Err(StoreError::Duplicate { .. })
    ));
    let updated = store
        .update(created.id, &input("churn", "202504", 3.5))
        .await
        .expect("updates");
    assert_eq!((updated.id, updated.month), (created.id, 4));
    assert_eq!(updated.created_date, created.created_date);
    assert!(matches!(
        store
            .update(created.id, &input("sales", &sales[0].period, 1.0))
            .await,
        Err(StoreError::Duplicate { .. })
    ));
    assert!(matches!(
        store.update(999_999, &input("x", "202501", 1.0)).await,
        Err(StoreError::NotFound(999_999))
    ));
    store.delete(created.id).await.expect("deletes");
    assert!(matches!(
        store.delete(created.id).await,
        Err(StoreError::NotFound(_))
    ));
    store.close().await;

    // A second instance on the same database shares the data and never reseeds.
    let again = StatsStore::connect(url).await.expect("reconnects");
    assert!(
        !again.seed_if_new().await.expect("checks"),
        "seeded only once"
    );
    assert_eq!(
        again
            .list(&StatFilter::default())
            .await
            .expect("lists")
            .len(),
        72
    );
    again.close().await;
}

#[actix_web::test]
async fn the_store_works_on_sqlite() {
    let file = std::env::temp_dir().join(format!("api-store-{}.db", uuid::Uuid::new_v4()));
    exercise_store(&format!("sqlite://{}?mode=rwc", file.display())).await;
    let _ = std::fs::remove_file(file);
}

#[actix_web::test]
async fn the_store_works_on_postgresql() {
    let server = Postgres::start();
    exercise_store(&server.url()).await;
}
