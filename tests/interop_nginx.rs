//! Our clients (blocking, tokio) against nginx, started by the test on a
//! loopback port with tests/nginx.conf (`keepalive_requests 3;
//! keepalive_timeout 2s;`): connections are reused, a new one opens after
//! nginx closes one, and no request is lost to the idle-close race:
//! retry-safe ones are resent, the others reported. Skips when nginx is not
//! installed (CI installs it with scripts/install-peers.sh).

mod interop;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use interop::{example, free_port, peer_or_skip, run, wait_for, Output, CLIENTS, RUN_TIMEOUT};

/// nginx in the foreground on a free loopback port, in its own temporary
/// directory; stopped and cleaned up on drop.
struct Nginx {
    child: Child,
    dir: PathBuf,
    port: u16,
}

impl Nginx {
    fn start(bin: &Path, test: &str) -> Nginx {
        let template = include_str!("nginx.conf");
        let dir = std::env::temp_dir().join(format!("h1conn-nginx-{}-{test}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temporary directory");
        for attempt in 0..5 {
            let port = free_port();
            let conf = template
                .replace("@PORT@", &port.to_string())
                .replace("@DIR@", dir.to_str().expect("utf-8 path"));
            let conf_path = dir.join("nginx.conf");
            std::fs::write(&conf_path, conf).expect("write nginx.conf");
            let mut child = Command::new(bin)
                .arg("-p")
                .arg(&dir)
                .arg("-c")
                .arg(&conf_path)
                .arg("-e")
                .arg(dir.join("error.log"))
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("start nginx");
            let up = (0..500).any(|_| {
                if matches!(child.try_wait(), Ok(Some(_))) {
                    return false;
                }
                std::thread::sleep(Duration::from_millis(10));
                std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
            });
            if up {
                return Nginx { child, dir, port };
            }
            let _ = child.kill();
            let _ = child.wait();
            eprintln!("nginx did not start on port {port} (attempt {attempt})");
        }
        let log = std::fs::read_to_string(dir.join("error.log")).unwrap_or_default();
        panic!("nginx did not start: {log}");
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// Requests nginx logged, by method.
    fn logged(&self, method: &str) -> usize {
        let log = std::fs::read_to_string(self.dir.join("access.log")).unwrap_or_default();
        log.matches(&format!("\"{method} ")).count()
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Run one of our clients.
fn client(name: &str, args: &[String]) -> Output {
    run(Command::new(example(name)).args(args), b"", RUN_TIMEOUT)
}

/// The response lines: `(status, conn, reused)`.
fn responses(out: &Output) -> Vec<(u16, u32, bool)> {
    out.stdout
        .lines()
        .filter(|l| !l.starts_with("lost "))
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            let field = |i: usize, key: &str| f[i].strip_prefix(key).unwrap_or_else(|| panic!("line {l:?}"));
            (
                f[0].parse().expect("status"),
                field(2, "conn=").parse().expect("conn"),
                field(3, "reused=").parse().expect("reused"),
            )
        })
        .collect()
}

fn lost_lines(out: &Output) -> Vec<&str> {
    out.stdout.lines().filter(|l| l.starts_with("lost ")).collect()
}

#[test]
fn clients_reuse_connections_and_reopen_after_nginx_keepalive_requests() {
    let test = "clients_reuse_connections_and_reopen_after_nginx_keepalive_requests";
    let Some(bin) = peer_or_skip("nginx", test) else {
        return;
    };
    let nginx = Nginx::start(&bin, "requests");
    for name in CLIENTS {
        let urls: Vec<String> = (1..=7).map(|i| nginx.url(&format!("/r{i}"))).collect();
        let out = client(name, &urls);
        assert!(out.status.success(), "{name}: {out:?}");
        // nginx ends each connection after 3 requests (Connection: close
        // on the third response); the client opens the next one.
        let expected = [
            (1, false),
            (1, true),
            (1, true),
            (2, false),
            (2, true),
            (2, true),
            (3, false),
        ];
        let got: Vec<(u32, bool)> = responses(&out)
            .iter()
            .map(|&(s, c, r)| {
                assert_eq!(s, 200, "{name}: {out:?}");
                (c, r)
            })
            .collect();
        assert_eq!(got, expected, "{name}: {out:?}");
    }
    assert_eq!(nginx.logged("GET"), 14);
}

#[test]
fn parallel_clients_fetch_everything_from_nginx() {
    let Some(bin) = peer_or_skip("nginx", "parallel_clients_fetch_everything_from_nginx") else {
        return;
    };
    let nginx = Nginx::start(&bin, "parallel");
    for name in CLIENTS {
        let mut args: Vec<String> = (1..=9).map(|i| nginx.url(&format!("/p{i}"))).collect();
        args.extend(["--parallel".into(), "3".into()]);
        let out = client(name, &args);
        assert!(out.status.success(), "{name}: {out:?}");
        let got = responses(&out);
        assert_eq!(got.len(), 9, "{name}: {out:?}");
        assert!(got.iter().all(|&(s, _, _)| s == 200), "{name}: {out:?}");
        assert!(
            got.iter().filter(|r| r.2).count() >= 3,
            "{name}: connections were reused: {out:?}"
        );
    }
}

/// Requests after a pause longer than `keepalive_timeout`: nginx has
/// closed the idle connection. The blocking client does not read while it
/// pauses, so it writes on the closed connection and learns only then: the
/// idempotent request is resent on a new connection.
#[test]
fn idempotent_requests_survive_nginx_idle_close() {
    let Some(bin) = peer_or_skip("nginx", "idempotent_requests_survive_nginx_idle_close") else {
        return;
    };
    let nginx = Nginx::start(&bin, "idle");
    for (name, method) in [
        ("blocking_client", "GET"),
        ("blocking_client", "PUT"),
        ("tokio_client", "GET"),
    ] {
        let mut args = vec![nginx.url("/i1"), nginx.url("/i2")];
        args.extend(["--pause", "2500", "--method", method, "--data", "x"].map(String::from));
        if method == "GET" {
            args.truncate(args.len() - 2);
        }
        let out = client(name, &args);
        assert!(out.status.success(), "{name} {method}: {out:?}");
        let got = responses(&out);
        assert_eq!(got.len(), 2, "{name} {method}: {out:?}");
        assert!(got.iter().all(|&(s, _, _)| s == 200), "{name} {method}: {out:?}");
        assert_eq!(
            (got[1].1, got[1].2),
            (2, false),
            "{name} {method}: a new connection: {out:?}"
        );
        if name == "blocking_client" {
            assert!(out.stderr.contains("retrying"), "{name} {method}: {out:?}");
        }
    }
}

/// The same race with POST: not safe to repeat, so the client reports it
/// and does not resend it; nginx saw exactly one POST.
#[test]
fn unsafe_request_lost_to_nginx_idle_close_is_reported_not_resent() {
    let test = "unsafe_request_lost_to_nginx_idle_close_is_reported_not_resent";
    let Some(bin) = peer_or_skip("nginx", test) else {
        return;
    };
    let nginx = Nginx::start(&bin, "post");
    let mut args = vec![nginx.url("/p1"), nginx.url("/p2")];
    args.extend(["--pause", "2500", "--method", "POST", "--data", "order=1"].map(String::from));
    let out = client("blocking_client", &args);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert_eq!(responses(&out), [(200, 1, false)], "{out:?}");
    let lost = lost_lines(&out);
    assert_eq!(lost.len(), 1, "{out:?}");
    assert!(
        lost[0].starts_with(&format!("lost POST {}", nginx.url("/p2"))),
        "{out:?}"
    );
    wait_for("nginx's access log", Duration::from_secs(5), || {
        nginx.logged("POST") >= 1
    });
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(nginx.logged("POST"), 1);
}
