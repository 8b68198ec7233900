//! The demo (README's main command) runs its four strategies and reports
//! what each costs: connections opened and round trips are fixed by the
//! strategy, the elapsed time is at least that many emulated round trips,
//! and the SVG timeline has a bar per request.

mod interop;

use interop::{example, run, RUN_TIMEOUT};
use std::process::Command;

#[test]
fn demo_prints_the_cost_of_each_strategy_and_draws_the_timeline() {
    let svg = std::env::temp_dir().join(format!("h1conn-demo-{}.svg", std::process::id()));
    let out = run(
        Command::new(example("demo"))
            .args(["--rtt", "10", "--svg"])
            .arg(&svg),
        b"",
        RUN_TIMEOUT,
    );
    assert!(out.status.success(), "{out:?}");
    // strategy, connections, round trips (a page + 8 resources, 4 parallel)
    let expected = [
        ("a new connection per request", 9, 18),
        ("one persistent connection", 1, 10),
        ("4 parallel persistent connections", 4, 5),
        ("pipelining on one connection", 1, 3),
    ];
    for (name, conns, rounds) in expected {
        let line = out.stdout.lines().find(|l| l.starts_with(name)).expect(name);
        let cols: Vec<&str> = line[name.len()..].split_whitespace().collect();
        assert_eq!(cols[0].parse::<u32>().unwrap(), conns, "{line}");
        assert_eq!(cols[1].parse::<u32>().unwrap(), rounds, "{line}");
        let ms: f64 = cols[2].parse().unwrap();
        assert!(
            ms >= f64::from(rounds) * 10.0 - 1.0,
            "{line}: faster than its round trips"
        );
    }
    let picture = std::fs::read_to_string(&svg).expect("the SVG timeline");
    let _ = std::fs::remove_file(&svg);
    assert!(picture.starts_with("<svg"));
    // One bar per request: 4 strategies × 9 requests, plus 15 handshakes.
    assert_eq!(picture.matches("<rect").count(), 1 + 4 * 9 + 15);
}
