//! The `pool` harness: arbitrary operation sequences on the sans-IO pool,
//! checking after every step that it never exceeds its limits, never
//! assigns to a connection that is not open, never closes a busy one, keeps
//! pipelines within their depth, and that every request is eventually
//! assigned and done, or failed, once the driver completes everything.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::time::Duration;

use arbitrary::Arbitrary;
use h1conn::pool::{ConnId, Origin, Pool, PoolConfig, PoolEvent, PoolRequest};
use h1conn::{Instant, KeepAliveHints};

/// One operation.
#[derive(Arbitrary, Debug, Clone)]
pub enum PoolOp {
    Request {
        origin: u8,
        safe: bool,
    },
    Connect {
        pick: u8,
        ok: bool,
    },
    Done {
        pick: u8,
        reusable: bool,
        timeout: u8,
        max: u8,
    },
    Lose {
        pick: u8,
        safe: bool,
    },
    Cancel {
        pick: u8,
    },
    Advance {
        ms: u16,
    },
}

/// Settings and operations.
#[derive(Arbitrary, Debug)]
pub struct PoolInput {
    pub per_origin: u8,
    pub total: u8,
    pub idle: u8,
    pub depth: u8,
    pub retries: u8,
    pub ops: Vec<PoolOp>,
}

/// Run one input; panics on a broken invariant.
pub fn run(input: &PoolInput) {
    let cfg = PoolConfig {
        max_per_origin: usize::from(input.per_origin % 4) + 1,
        max_total: usize::from(input.total % 6) + 1,
        max_idle_per_origin: usize::from(input.idle % 4) + 1,
        pipeline_depth: usize::from(input.depth % 3) + 1,
        retry_budget: u32::from(input.retries % 3),
        idle_timeout: Duration::from_secs(5),
    };
    let mut pool = Pool::new(cfg.clone());
    let origins = [Origin::http("a", 1), Origin::http("b", 1), Origin::http("c", 1)];
    let mut now = 0u64;
    let mut connecting: Vec<ConnId> = Vec::new();
    let mut open: BTreeMap<ConnId, VecDeque<PoolRequest>> = BTreeMap::new();
    let mut pending: BTreeSet<PoolRequest> = BTreeSet::new();

    let apply = |pool: &mut Pool,
                 connecting: &mut Vec<ConnId>,
                 open: &mut BTreeMap<ConnId, VecDeque<PoolRequest>>,
                 pending: &mut BTreeSet<PoolRequest>| {
        while let Some(ev) = pool.poll_event() {
            match ev {
                PoolEvent::Open { conn, .. } => connecting.push(conn),
                PoolEvent::Close { conn } => {
                    assert!(
                        open.get(&conn).is_none_or(|q| q.is_empty()),
                        "closed a busy connection"
                    );
                    open.remove(&conn);
                }
                PoolEvent::Assign { request, conn } => {
                    let q = open
                        .get_mut(&conn)
                        .expect("assigned to a connection that is not open");
                    q.push_back(request);
                    assert!(q.len() <= cfg.pipeline_depth, "pipeline deeper than configured");
                }
                PoolEvent::Failed { request, .. } => {
                    pending.remove(&request);
                }
            }
        }
        assert!(pool.connections() <= cfg.max_total);
        for o in &origins {
            assert!(pool.connections_to(o) <= cfg.max_per_origin);
        }
    };

    for op in input.ops.iter().take(300) {
        let t = Instant::from_millis(now);
        match op.clone() {
            PoolOp::Request { origin, safe } => {
                let r = pool.request(t, origins[usize::from(origin) % 3].clone(), safe);
                pending.insert(r);
            }
            PoolOp::Connect { pick, ok } => {
                if !connecting.is_empty() {
                    let c = connecting.remove(usize::from(pick) % connecting.len());
                    if ok {
                        open.insert(c, VecDeque::new());
                        pool.connected(t, c);
                    } else {
                        pool.connect_failed(t, c);
                    }
                }
            }
            PoolOp::Done {
                pick,
                reusable,
                timeout,
                max,
            } => {
                let busy: Vec<ConnId> = open
                    .iter()
                    .filter(|(_, q)| !q.is_empty())
                    .map(|(c, _)| *c)
                    .collect();
                if !busy.is_empty() {
                    let c = busy[usize::from(pick) % busy.len()];
                    let r = open.get_mut(&c).and_then(|q| q.pop_front()).expect("busy");
                    pending.remove(&r);
                    let hints = KeepAliveHints {
                        timeout: (timeout > 0).then(|| Duration::from_secs(u64::from(timeout % 10))),
                        max: (max > 0).then(|| u64::from(max % 5)),
                    };
                    pool.exchange_done(t, c, r, reusable, hints);
                }
            }
            PoolOp::Lose { pick, safe } => {
                if !open.is_empty() {
                    let c = *open.keys().nth(usize::from(pick) % open.len()).expect("open");
                    let q = open.remove(&c).unwrap_or_default();
                    let list: Vec<_> = q.iter().map(|r| (*r, safe)).collect();
                    pool.connection_lost(t, c, &list);
                }
            }
            PoolOp::Cancel { pick } => {
                if let Some(&r) = pending.iter().nth(usize::from(pick) % pending.len().max(1)) {
                    pool.cancel(t, r);
                }
            }
            PoolOp::Advance { ms } => {
                now += u64::from(ms);
                pool.handle_timeout(Instant::from_millis(now));
            }
        }
        apply(&mut pool, &mut connecting, &mut open, &mut pending);
    }
    // Drive to quiescence: every request ends assigned-and-done or failed.
    for _ in 0..10_000 {
        let t = Instant::from_millis(now);
        if let Some(c) = connecting.pop() {
            open.insert(c, VecDeque::new());
            pool.connected(t, c);
        } else if let Some((c, r)) = open.iter_mut().find_map(|(c, q)| q.pop_front().map(|r| (*c, r))) {
            pending.remove(&r);
            pool.exchange_done(t, c, r, true, KeepAliveHints::default());
        } else {
            break;
        }
        apply(&mut pool, &mut connecting, &mut open, &mut pending);
    }
    assert!(
        pending.is_empty(),
        "requests never assigned or failed: {pending:?}"
    );
}
