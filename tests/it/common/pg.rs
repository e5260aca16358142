//! A throwaway PostgreSQL cluster from the system's binaries (Debian's `postgresql` package):
//! `initdb` in a temp dir, `pg_ctl` on a free loopback port. As root, the server runs as the
//! `postgres` user (initdb refuses root). Password login (scram) over TCP, so wrong passwords are
//! refused as in a real store.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The store's user and password in every test cluster.
pub const USER: &str = "cashier";
/// Its password.
pub const PASSWORD: &str = "store-pass-0001";
/// The database the tills share.
pub const DATABASE: &str = "shop";

/// A running cluster, stopped when dropped.
pub struct Postgres {
    dir: tempfile::TempDir,
    bin: PathBuf,
    /// The port it listens on.
    pub port: u16,
}

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
    /// initdb, start, and create the store's database.
    pub fn start() -> Postgres {
        Postgres::start_configured(None)
    }

    /// As [`Postgres::start`], serving TLS with this certificate chain and key (PEM) and
    /// accepting TCP logins over TLS only (`hostssl`), as a store that insists on encryption.
    pub fn start_with_tls(cert_pem: &str, key_pem: &str) -> Postgres {
        Postgres::start_configured(Some((cert_pem, key_pem)))
    }

    fn start_configured(tls: Option<(&str, &str)>) -> Postgres {
        let bin = bin_dir();
        let dir = tempfile::Builder::new()
            .prefix("cashier-pg")
            .tempdir_in("/tmp")
            .expect("temp dir");
        std::fs::write(dir.path().join("pw"), PASSWORD).expect("password file");
        if is_root() {
            run(
                {
                    let mut c = Command::new("chown");
                    c.args(["-R", "postgres"]).arg(dir.path());
                    c
                },
                "chown",
            );
        }
        let data = dir.path().join("data");
        let mut initdb = as_owner(&bin, "initdb");
        initdb
            .arg("-D")
            .arg(&data)
            .args(["-U", USER, "-E", "UTF8", "--no-sync", "--auth-local=trust"])
            .args(["--auth-host=scram-sha-256", "--pwfile"])
            .arg(dir.path().join("pw"));
        run(initdb, "initdb");
        if let Some((cert, key)) = tls {
            write_tls_files(&data, cert, key);
        }
        let postgres = Postgres {
            dir,
            bin,
            port: free_port(),
        };
        postgres.start_server();
        let mut createdb = as_owner(&postgres.bin, "createdb");
        createdb.args(["-h"]).arg(postgres.dir.path()).args([
            "-p",
            &postgres.port.to_string(),
            "-U",
            USER,
            DATABASE,
        ]);
        run(createdb, "createdb");
        postgres
    }

    fn start_server(&self) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off",
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

    /// The store URL, password included.
    #[must_use]
    pub fn url(&self) -> String {
        format!(
            "postgres://{USER}:{PASSWORD}@127.0.0.1:{}/{DATABASE}",
            self.port
        )
    }

    /// Connection settings through the cluster's Unix socket (trusted, plain even when TCP takes
    /// TLS only): for tests that look into the store.
    #[must_use]
    pub fn socket_conninfo(&self) -> String {
        format!(
            "host={} port={} user={USER} dbname={DATABASE}",
            self.dir.path().display(),
            self.port
        )
    }

    /// Stops the server at once (as a crash or a pulled cable would look to the tills).
    pub fn stop(&self) {
        let mut stop = as_owner(&self.bin, "pg_ctl");
        stop.arg("-D")
            .arg(self.dir.path().join("data"))
            .args(["-m", "immediate", "-w", "stop"]);
        run(stop, "pg_ctl stop");
    }

    /// Starts it again after [`Postgres::stop`].
    pub fn restart(&self) {
        self.start_server();
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

impl Drop for Postgres {
    fn drop(&mut self) {
        let _ = as_owner(&self.bin, "pg_ctl")
            .arg("-D")
            .arg(self.dir.path().join("data"))
            .args(["-m", "immediate", "stop"])
            .output();
    }
}
