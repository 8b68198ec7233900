//! Our clients (blocking, tokio) put every request through h1conn's pool:
//! 50 URLs on one origin with `--parallel 3` against our blocking server
//! open at most 3 connections, and every other request reuses one.

mod interop;

use std::collections::BTreeSet;
use std::process::Command;

use interop::{example, run, Server, CLIENTS, RUN_TIMEOUT};

/// The response lines: `(status, conn, reused)`; any other stdout line
/// (`lost ...`) fails the test.
fn responses(stdout: &str) -> Vec<(u16, u32, bool)> {
    stdout
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            let field = |i: usize, key: &str| {
                f.get(i)
                    .and_then(|s| s.strip_prefix(key))
                    .unwrap_or_else(|| panic!("line {l:?}"))
            };
            (
                f[0].parse().unwrap_or_else(|_| panic!("line {l:?}")),
                field(2, "conn=").parse().expect("conn"),
                field(3, "reused=").parse().expect("reused"),
            )
        })
        .collect()
}

#[test]
fn fifty_urls_with_parallel_3_use_at_most_3_pooled_connections() {
    for name in CLIENTS {
        let server = Server::start("blocking_server");
        let mut args: Vec<String> = (1..=50).map(|i| server.url(&format!("/u{i}"))).collect();
        args.extend(["--parallel".into(), "3".into()]);
        let out = run(Command::new(example(name)).args(&args), b"", RUN_TIMEOUT);
        assert!(out.status.success(), "{name}: {out:?}");
        let got = responses(&out.stdout);
        assert_eq!(got.len(), 50, "{name}: {out:?}");
        assert!(got.iter().all(|&(s, _, _)| s == 200), "{name}: {out:?}");
        let conns: BTreeSet<u32> = got.iter().map(|r| r.1).collect();
        assert!(conns.len() <= 3, "{name}: connections {conns:?}: {out:?}");
        let reused = got.iter().filter(|r| r.2).count();
        assert!(reused >= 47, "{name}: only {reused} reused: {out:?}");
        // The server agrees: at most 3 connections were opened.
        let opened = server.log().matches(" opened from ").count();
        assert!(opened <= 3, "{name}: the server saw {opened} connections");
    }
}
