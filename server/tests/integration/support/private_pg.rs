//! A PostgreSQL server of a test's own, in a temporary folder on a free port: for tests that
//! stop and restart the database, which they must never do to the shared one other tests use.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A private PostgreSQL cluster. Stopped (immediately) and deleted when dropped.
pub struct PrivatePostgres {
    bin: PathBuf,
    data: PathBuf,
    /// Also the socket folder and where the server's log goes.
    dir: tempfile::TempDir,
    pub port: u16,
}

/// The folder with initdb and pg_ctl: `QUIRE_TEST_PG_BIN`, else the newest of Debian's
/// `/usr/lib/postgresql/*/bin`. Panics, saying what is missing, when there is none: the test
/// must fail, not pass without having run.
fn bin_dir() -> PathBuf {
    let found = match std::env::var_os("QUIRE_TEST_PG_BIN") {
        Some(dir) => Some(PathBuf::from(dir)),
        None => {
            let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
                .into_iter()
                .flatten()
                .filter_map(Result::ok)
                .map(|entry| entry.path().join("bin"))
                .filter(|bin| bin.join("initdb").exists())
                .collect();
            versions.sort();
            versions.pop()
        }
    };
    match found {
        Some(bin) if bin.join("initdb").exists() && bin.join("pg_ctl").exists() => bin,
        _ => panic!(
            "This test needs PostgreSQL's server programs (initdb, pg_ctl) to run a private \
             server it can stop and restart, and found none (looked in {}).\n\
             Install them (`apt-get install postgresql`) or point QUIRE_TEST_PG_BIN at the \
             folder that holds initdb and pg_ctl.",
            std::env::var("QUIRE_TEST_PG_BIN")
                .unwrap_or_else(|_| "/usr/lib/postgresql/*/bin".to_owned())
        ),
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
}

impl PrivatePostgres {
    /// Creates a cluster (trust authentication, user `postgres`) and starts it.
    pub fn start() -> PrivatePostgres {
        let bin = bin_dir();
        let dir = tempfile::tempdir().expect("create a temporary folder");
        if is_root() {
            // PostgreSQL refuses to run as root: the cluster belongs to the postgres user.
            run(Command::new("chown").arg("postgres:").arg(dir.path()));
        }
        let data = dir.path().join("data");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("find a free port")
            .port();
        let pg = PrivatePostgres {
            data,
            dir,
            port,
            bin,
        };
        run(pg
            .command("initdb")
            .arg("-D")
            .arg(&pg.data)
            .args(["-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"])
            .args(["--locale", "C"]));
        pg.start_again();
        pg
    }

    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// Starts the server and waits until it accepts connections.
    pub fn start_again(&self) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            self.port,
            self.dir.path().display()
        );
        run(self
            .pg_ctl()
            .args(["-w", "-t", "60", "-l"])
            .arg(self.dir.path().join("server.log"))
            .args(["-o", &options, "start"]));
    }

    /// Stops the server as an operator's restart does: open connections are cut
    /// (`-m fast`); returns once it is down.
    pub fn stop(&self) {
        run(self.pg_ctl().args(["-w", "-t", "60", "-m", "fast", "stop"]));
    }

    fn pg_ctl(&self) -> Command {
        let mut cmd = self.command("pg_ctl");
        cmd.arg("-D").arg(&self.data);
        cmd
    }

    /// A command for one of the server programs, run as the cluster's owner.
    fn command(&self, program: &str) -> Command {
        let path = self.bin.join(program);
        if is_root() {
            let mut cmd = Command::new("runuser");
            cmd.args(["-u", "postgres", "--"]).arg(path);
            cmd
        } else {
            Command::new(path)
        }
    }
}

fn run(cmd: &mut Command) -> Output {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("could not run {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed ({}):\n{}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

impl Drop for PrivatePostgres {
    fn drop(&mut self) {
        if Path::new(&self.data).join("postmaster.pid").exists() {
            let _ = self
                .pg_ctl()
                .args(["-w", "-m", "immediate", "stop"])
                .output();
        }
    }
}
