//! Throwaway PostgreSQL from the system's binaries (Debian's `postgresql` package): `initdb` in a
//! temp dir, `pg_ctl` on a free loopback port. As root, the server runs as the `postgres` user
//! (initdb refuses root). Password login (scram) over TCP, so wrong passwords are refused as in a
//! real store.
//!
//! Most tests take a database of their own in the one cluster the test run shares
//! ([`Postgres::database`]: started by the first, stopped by a watchdog when the test process ends,
//! however it ends). A test that stops the server, serves TLS or makes till roles (roles are the
//! cluster's, not a database's) starts a cluster of its own ([`Postgres::start`]).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, OnceLock};

/// The store's user and password in every test cluster.
pub const USER: &str = "cashier";
/// Its password.
pub const PASSWORD: &str = "store-pass-0001";
/// The database the tills share in a cluster of a test's own.
const DATABASE: &str = "shop";

/// A running cluster; one a test owns is stopped when dropped.
struct Cluster {
    /// The cluster's folder (data, log, socket): removed when a test's own cluster is dropped,
    /// by the watchdog for the shared one (a static is never dropped).
    dir: tempfile::TempDir,
    bin: PathBuf,
    port: u16,
}

/// A store database for one test: in a cluster of its own, or in the run's shared one.
pub struct Postgres {
    cluster: Arc<Cluster>,
    database: String,
    /// Whether this test owns the cluster (and may stop it).
    owned: bool,
    /// The port it listens on.
    pub port: u16,
}

/// The cluster the test run shares, started by the first test that asks.
static SHARED: OnceLock<Arc<Cluster>> = OnceLock::new();
/// The next shared database's number.
static NEXT_DATABASE: AtomicU32 = AtomicU32::new(1);

fn bin_dir() -> PathBuf {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL is installed (.ci/run installs Debian's postgresql)")
        .filter_map(|entry| entry.ok().map(|e| e.path().join("bin")))
        .filter(|bin| bin.join("initdb").exists())
        .collect();
    versions.sort();
    versions.pop().expect("an initdb")
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
}

/// `program` from the cluster's binaries, as `postgres` when we are root.
fn as_owner(bin: &Path, program: &str) -> Command {
    if is_root() {
        let mut command = Command::new("runuser");
        command
            .args(["-u", "postgres", "--"])
            .arg(bin.join(program));
        command
    } else {
        Command::new(bin.join(program))
    }
}

fn run(mut command: Command, what: &str) {
    let output = command.output().expect(what);
    assert!(
        output.status.success(),
        "{what}: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("free port")
        .port()
}

impl Postgres {
    /// A cluster of this test's own: initdb, start, and create the store's database.
    pub fn start() -> Postgres {
        Postgres::owning(Cluster::start(None))
    }

    /// As [`Postgres::start`], serving TLS with this certificate chain and key (PEM) and
    /// accepting TCP logins over TLS only (`hostssl`), as a store that insists on encryption.
    pub fn start_with_tls(cert_pem: &str, key_pem: &str) -> Postgres {
        Postgres::owning(Cluster::start(Some((cert_pem, key_pem))))
    }

    /// A fresh database of this test's own in the run's shared cluster (never stopped by a test).
    pub fn database() -> Postgres {
        let cluster = SHARED
            .get_or_init(|| {
                let cluster = Cluster::start(None);
                cluster.watch_for_the_end_of(std::process::id());
                Arc::new(cluster)
            })
            .clone();
        let database = format!("shop_{}", NEXT_DATABASE.fetch_add(1, Ordering::Relaxed));
        cluster.create_database(&database);
        Postgres {
            port: cluster.port,
            cluster,
            database,
            owned: false,
        }
    }

    fn owning(cluster: Cluster) -> Postgres {
        cluster.create_database(DATABASE);
        Postgres {
            port: cluster.port,
            cluster: Arc::new(cluster),
            database: DATABASE.to_owned(),
            owned: true,
        }
    }

    /// The database's name.
    #[must_use]
    pub fn database_name(&self) -> &str {
        &self.database
    }

    /// The store URL, password included.
    #[must_use]
    pub fn url(&self) -> String {
        format!(
            "postgres://{USER}:{PASSWORD}@127.0.0.1:{}/{}",
            self.port, self.database
        )
    }

    /// Connection settings through the cluster's Unix socket (trusted, plain even when TCP takes
    /// TLS only): for tests that look into the store.
    #[must_use]
    pub fn socket_conninfo(&self) -> String {
        format!(
            "host={} port={} user={USER} dbname={}",
            self.cluster.dir.path().display(),
            self.port,
            self.database
        )
    }

    /// Stops the server at once (as a crash or a pulled cable would look to the tills).
    pub fn stop(&self) {
        assert!(self.owned, "only a test's own cluster is stopped");
        let mut stop = as_owner(&self.cluster.bin, "pg_ctl");
        stop.arg("-D")
            .arg(self.cluster.dir.path().join("data"))
            .args(["-m", "immediate", "-w", "stop"]);
        run(stop, "pg_ctl stop");
    }

    /// Starts it again after [`Postgres::stop`].
    pub fn restart(&self) {
        assert!(self.owned, "only a test's own cluster is restarted");
        self.cluster.start_server();
    }
}

impl Cluster {
    fn start(tls: Option<(&str, &str)>) -> Cluster {
        let bin = bin_dir();
        let folder = tempfile::Builder::new()
            .prefix("cashier-pg")
            .tempdir_in("/tmp")
            .expect("temp dir");
        let dir = folder.path().to_owned();
        std::fs::write(dir.join("pw"), PASSWORD).expect("password file");
        if is_root() {
            run(
                {
                    let mut c = Command::new("chown");
                    c.args(["-R", "postgres"]).arg(&dir);
                    c
                },
                "chown",
            );
        }
        let data = dir.join("data");
        let mut initdb = as_owner(&bin, "initdb");
        initdb
            .arg("-D")
            .arg(&data)
            .args(["-U", USER, "-E", "UTF8", "--no-sync", "--auth-local=trust"])
            .args(["--auth-host=scram-sha-256", "--pwfile"])
            .arg(dir.join("pw"));
        run(initdb, "initdb");
        if let Some((cert, key)) = tls {
            write_tls_files(&data, cert, key);
        }
        let cluster = Cluster {
            dir: folder,
            bin,
            port: free_port(),
        };
        cluster.start_server();
        cluster
    }

    fn start_server(&self) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off \
             -c max_connections=300",
            self.port,
            self.dir.path().display()
        );
        let mut start = as_owner(&self.bin, "pg_ctl");
        start
            .arg("-D")
            .arg(self.dir.path().join("data"))
            .args(["-o", &options, "-l"])
            .arg(self.dir.path().join("log"))
            .args(["-w", "start"]);
        run(start, "pg_ctl start");
    }

    fn create_database(&self, name: &str) {
        let mut createdb = as_owner(&self.bin, "createdb");
        createdb.args(["-h"]).arg(self.dir.path()).args([
            "-p",
            &self.port.to_string(),
            "-U",
            USER,
            name,
        ]);
        run(createdb, "createdb");
    }

    /// Hands the cluster to a watchdog that stops it and removes its folder once process `pid`
    /// (the test run) is gone: a static is never dropped, and a killed run must not leave a
    /// server behind.
    fn watch_for_the_end_of(&self, pid: u32) {
        let as_postgres = if is_root() {
            "runuser -u postgres -- "
        } else {
            ""
        };
        let script = format!(
            "while kill -0 {pid} 2>/dev/null; do sleep 0.5; done; \
             {as_postgres}'{pg_ctl}' -D '{dir}/data' -m immediate stop; rm -rf '{dir}'",
            pg_ctl = self.bin.join("pg_ctl").display(),
            dir = self.dir.path().display(),
        );
        // Its own session (`setsid -f` forks it off and returns), so a Ctrl-C that stops the
        // tests does not stop the watchdog first; no pipes held, so cargo does not wait for it.
        let started = Command::new("setsid")
            .args(["-f", "sh", "-c", &script])
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .expect("the shared cluster's watchdog");
        assert!(started.success(), "the shared cluster's watchdog started");
    }
}

/// The server's certificate and key in the data dir, owned by the server's user, and a
/// `pg_hba.conf` that takes TCP logins over TLS only.
fn write_tls_files(data: &Path, cert: &str, key: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(data.join("server.crt"), cert).expect("server.crt");
    std::fs::write(data.join("server.key"), key).expect("server.key");
    std::fs::set_permissions(
        data.join("server.key"),
        std::fs::Permissions::from_mode(0o600),
    )
    .expect("key private");
    let hba = "local all all trust\nhostssl all all 127.0.0.1/32 scram-sha-256\n";
    std::fs::write(data.join("pg_hba.conf"), hba).expect("pg_hba.conf");
    let mut conf = std::fs::OpenOptions::new()
        .append(true)
        .open(data.join("postgresql.conf"))
        .expect("postgresql.conf");
    std::io::Write::write_all(&mut conf, b"\nssl = on\n").expect("ssl on");
    if is_root() {
        let mut chown = Command::new("chown");
        chown.args(["-R", "postgres"]).arg(data);
        run(chown, "chown");
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = as_owner(&self.bin, "pg_ctl")
            .arg("-D")
            .arg(self.dir.path().join("data"))
            .args(["-m", "immediate", "stop"])
            .output();
    }
}
