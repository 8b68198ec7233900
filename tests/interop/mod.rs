//! Shared by the interop tests (`tests/interop_*.rs`): build and start the
//! example drivers, find the real peers (curl, python3, nginx), and bound
//! every wait. A missing peer makes a test skip with a message naming
//! `scripts/install-peers.sh`, which CI runs first.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// How long any one peer or driver run may take.
pub(crate) const RUN_TIMEOUT: Duration = Duration::from_secs(30);

/// The servers under test.
pub(crate) const SERVERS: [&str; 3] = ["blocking_server", "tokio_server", "mio_server"];

/// The clients under test.
pub(crate) const CLIENTS: [&str; 2] = ["blocking_client", "tokio_client"];

/// The path of a peer program, if installed (PATH, then the sbin
/// directories where Debian puts nginx).
pub(crate) fn find_peer(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/sbin", "/usr/local/sbin", "/sbin"].map(PathBuf::from))
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// The peer's path, or `None` after printing why the test is skipped. On
/// CI (`CI` set), where scripts/install-peers.sh ran first, a missing peer
/// fails the test instead.
pub(crate) fn peer_or_skip(name: &str, test: &str) -> Option<PathBuf> {
    let found = find_peer(name);
    if found.is_none() {
        let msg = format!("SKIPPED {test}: `{name}` is not installed (run scripts/install-peers.sh)");
        assert!(std::env::var_os("CI").map_or(true, |v| v.is_empty()), "{msg}");
        // Straight to stderr: the test harness captures only `eprintln!`.
        let _ = writeln!(std::io::stderr(), "{msg}");
    }
    found
}

/// An example binary, built once per test process with the `http` feature
/// (the tokio examples need it), in the profile this test was built with.
pub(crate) fn example(name: &str) -> PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    let dir = DIR.get_or_init(|| {
        // target/<profile>/deps/<this test> -> target/<profile>
        let exe = std::env::current_exe().expect("test executable");
        let profile_dir = exe
            .parent()
            .and_then(Path::parent)
            .expect("target/<profile>")
            .to_path_buf();
        let profile = profile_dir
            .file_name()
            .and_then(|s| s.to_str())
            .unwrap_or("debug")
            .to_string();
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let mut cmd = Command::new(cargo);
        cmd.current_dir(env!("CARGO_MANIFEST_DIR")).args([
            "build",
            "--quiet",
            "--examples",
            "--features",
            "http",
        ]);
        match profile.as_str() {
            "debug" => {}
            "release" => drop(cmd.arg("--release")),
            other => drop(cmd.args(["--profile", other])),
        }
        let status = cmd.status().expect("run cargo build --examples");
        assert!(status.success(), "cargo build --examples failed");
        profile_dir.join("examples")
    });
    let bin = dir.join(name);
    assert!(bin.is_file(), "{} was not built", bin.display());
    bin
}

/// A free loopback port (bound, then released for the peer to take).
pub(crate) fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr").port()
}

/// What a finished run printed.
#[derive(Debug)]
pub(crate) struct Output {
    pub(crate) status: ExitStatus,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

/// Run `cmd` with `stdin` as its input; kill it and fail after `timeout`.
pub(crate) fn run(cmd: &mut Command, stdin: &[u8], timeout: Duration) -> Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {cmd:?}: {e}"));
    let mut input = child.stdin.take().expect("stdin");
    let stdin = stdin.to_vec();
    let writer = std::thread::spawn(move || drop(input.write_all(&stdin)));
    let (out, out_reader) = collect(child.stdout.take().expect("stdout"));
    let (err, err_reader) = collect(child.stderr.take().expect("stderr"));
    let status = wait_timeout(&mut child, timeout).unwrap_or_else(|| {
        let _ = child.kill();
        let _ = child.wait();
        panic!(
            "{cmd:?} did not finish within {timeout:?}\nstdout: {}\nstderr: {}",
            out.lock().unwrap(),
            err.lock().unwrap()
        )
    });
    let _ = (writer.join(), out_reader.join(), err_reader.join());
    let (stdout, stderr) = (out.lock().unwrap().clone(), err.lock().unwrap().clone());
    Output {
        status,
        stdout,
        stderr,
    }
}

fn wait_timeout(child: &mut Child, timeout: Duration) -> Option<ExitStatus> {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if let Ok(Some(status)) = child.try_wait() {
            return Some(status);
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    None
}

type Collected = (Arc<Mutex<String>>, std::thread::JoinHandle<()>);

fn collect(mut pipe: impl Read + Send + 'static) -> Collected {
    let text = Arc::new(Mutex::new(String::new()));
    let sink = Arc::clone(&text);
    let reader = std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = pipe.read(&mut buf) {
            if n == 0 {
                break;
            }
            sink.lock().unwrap().push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    });
    (text, reader)
}

/// Wait until `cond` holds, or fail after `timeout` with `what`.
pub(crate) fn wait_for(what: &str, timeout: Duration, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + timeout;
    while !cond() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// One of our example servers, on a port the kernel picked; killed on drop.
pub(crate) struct Server {
    pub(crate) name: &'static str,
    pub(crate) addr: SocketAddr,
    child: Child,
    log: Arc<Mutex<String>>,
}

impl Server {
    pub(crate) fn start(name: &'static str) -> Server {
        let mut child = Command::new(example(name))
            .args(["--listen", "127.0.0.1:0"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {name}: {e}"));
        let log = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = std::sync::mpsc::channel();
        let sink = Arc::clone(&log);
        let stderr = child.stderr.take().expect("stderr");
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(addr) = line.strip_prefix("listening on ") {
                    let _ = tx.send(addr.parse::<SocketAddr>());
                }
                sink.lock().unwrap().push_str(&(line + "\n"));
            }
        });
        let addr = match rx.recv_timeout(Duration::from_secs(10)) {
            Ok(Ok(addr)) => addr,
            other => {
                let _ = child.kill();
                panic!("{name} did not report its address: {other:?}");
            }
        };
        Server {
            name,
            addr,
            child,
            log,
        }
    }

    /// `http://addr/path`.
    pub(crate) fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// What the server logged so far (one line per connection opened and
    /// closed).
    pub(crate) fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// Wait until the log has `n` lines containing `needle`.
    pub(crate) fn wait_log(&self, needle: &str, n: usize) {
        let what = format!("{n} × {needle:?} in the {} log", self.name);
        wait_for(&what, Duration::from_secs(10), || {
            self.log().matches(needle).count() >= n
        });
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
