//! The sans-IO pool: one scenario per rule, and a property test over random
//! operation sequences.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::time::Duration;

use h1conn::pool::{ConnId, Origin, Pool, PoolConfig, PoolError, PoolEvent, PoolRequest};
use h1conn::{Instant, KeepAliveHints};
use proptest::prelude::*;

fn t(ms: u64) -> Instant {
    Instant::from_millis(ms)
}

fn drain(pool: &mut Pool) -> Vec<PoolEvent> {
    std::iter::from_fn(|| pool.poll_event()).collect()
}

fn opens(evs: &[PoolEvent]) -> Vec<ConnId> {
    evs.iter()
        .filter_map(|e| match e {
            PoolEvent::Open { conn, .. } => Some(*conn),
            _ => None,
        })
        .collect()
}

fn assigns(evs: &[PoolEvent]) -> Vec<(PoolRequest, ConnId)> {
    evs.iter()
        .filter_map(|e| match e {
            PoolEvent::Assign { request, conn } => Some((*request, *conn)),
            _ => None,
        })
        .collect()
}

fn a() -> Origin {
    Origin::http("a.example", 80)
}

#[test]
fn origin_is_scheme_host_port_case_insensitive_host() {
    assert_eq!(Origin::new("HTTP", "A.Example", 80), a());
    assert_ne!(Origin::http("a.example", 8080), a());
    assert_eq!(a().to_string(), "http://a.example:80");
}

#[test]
fn opens_at_most_the_per_origin_limit_and_queues_the_rest_fifo() {
    let mut pool = Pool::new(PoolConfig {
        max_per_origin: 2,
        ..PoolConfig::default()
    });
    let reqs: Vec<_> = (0..5).map(|_| pool.request(t(0), a(), true)).collect();
    let evs = drain(&mut pool);
    let conns = opens(&evs);
    assert_eq!(conns.len(), 2);
    assert_eq!(pool.queued_for(&a()), 5);
    pool.connected(t(1), conns[0]);
    pool.connected(t(1), conns[1]);
    let got = assigns(&drain(&mut pool));
    assert_eq!(got.iter().map(|x| x.0).collect::<Vec<_>>(), reqs[..2]);
    // Finishing one exchange hands the connection to the next in line.
    pool.exchange_done(t(2), got[0].1, got[0].0, true, KeepAliveHints::default());
    assert_eq!(assigns(&drain(&mut pool)), [(reqs[2], got[0].1)]);
    assert_eq!(pool.connections_to(&a()), 2);
}

#[test]
fn reuses_the_most_recently_used_idle_connection() {
    let mut pool = Pool::new(PoolConfig::default());
    let r1 = pool.request(t(0), a(), true);
    let r2 = pool.request(t(0), a(), true);
    let conns = opens(&drain(&mut pool));
    assert_eq!(conns.len(), 2);
    pool.connected(t(1), conns[0]);
    pool.connected(t(1), conns[1]);
    let got = assigns(&drain(&mut pool));
    assert_eq!(got.len(), 2);
    let conn_of = |r| got.iter().find(|x| x.0 == r).map(|x| x.1).unwrap();
    pool.exchange_done(t(5), conn_of(r1), r1, true, KeepAliveHints::default());
    pool.exchange_done(t(9), conn_of(r2), r2, true, KeepAliveHints::default());
    let r3 = pool.request(t(10), a(), true);
    assert_eq!(assigns(&drain(&mut pool)), [(r3, conn_of(r2))]);
}

#[test]
fn idle_connection_expires_at_the_pool_idle_timeout() {
    let mut pool = Pool::new(PoolConfig {
        idle_timeout: Duration::from_secs(10),
        ..PoolConfig::default()
    });
    let r = pool.request(t(0), a(), true);
    let conn = opens(&drain(&mut pool))[0];
    pool.connected(t(0), conn);
    drain(&mut pool);
    pool.exchange_done(t(1000), conn, r, true, KeepAliveHints::default());
    assert_eq!(pool.poll_timeout(), Some(t(11_000)));
    pool.handle_timeout(t(10_999));
    assert!(drain(&mut pool).is_empty());
    pool.handle_timeout(t(11_000));
    assert_eq!(drain(&mut pool), [PoolEvent::Close { conn }]);
    assert_eq!(pool.connections(), 0);
}

#[test]
fn keep_alive_timeout_hint_shortens_the_idle_deadline() {
    let mut pool = Pool::new(PoolConfig::default());
    let r = pool.request(t(0), a(), true);
    let conn = opens(&drain(&mut pool))[0];
    pool.connected(t(0), conn);
    drain(&mut pool);
    let hints = KeepAliveHints {
        timeout: Some(Duration::from_secs(2)),
        max: None,
    };
    pool.exchange_done(t(100), conn, r, true, hints);
    assert_eq!(pool.poll_timeout(), Some(t(2100)));
}

#[test]
fn keep_alive_max_hint_retires_the_connection() {
    let mut pool = Pool::new(PoolConfig::default());
    let r1 = pool.request(t(0), a(), true);
    let conn = opens(&drain(&mut pool))[0];
    pool.connected(t(0), conn);
    drain(&mut pool);
    // The server will take one more request on this connection.
    pool.exchange_done(
        t(1),
        conn,
        r1,
        true,
        KeepAliveHints {
            timeout: None,
            max: Some(1),
        },
    );
    let r2 = pool.request(t(2), a(), true);
    assert_eq!(assigns(&drain(&mut pool)), [(r2, conn)]);
    pool.exchange_done(t(3), conn, r2, true, KeepAliveHints::default());
    assert_eq!(drain(&mut pool), [PoolEvent::Close { conn }]);
    let _r3 = pool.request(t(4), a(), true);
    assert_eq!(
        opens(&drain(&mut pool)).len(),
        1,
        "a new connection, not the retired one"
    );
}

#[test]
fn not_reusable_connection_is_closed_after_its_exchange() {
    let mut pool = Pool::new(PoolConfig::default());
    let r = pool.request(t(0), a(), true);
    let conn = opens(&drain(&mut pool))[0];
    pool.connected(t(0), conn);
    drain(&mut pool);
    pool.exchange_done(t(1), conn, r, false, KeepAliveHints::default());
    assert_eq!(drain(&mut pool), [PoolEvent::Close { conn }]);
}

#[test]
fn lost_connection_requeues_retry_safe_requests_at_the_front_in_order() {
    let mut pool = Pool::new(PoolConfig {
        max_per_origin: 1,
        pipeline_depth: 4,
        ..PoolConfig::default()
    });
    let r0 = pool.request(t(0), a(), true);
    let conn = opens(&drain(&mut pool))[0];
    pool.connected(t(0), conn);
    drain(&mut pool);
    pool.exchange_done(t(1), conn, r0, true, KeepAliveHints::default());
    let r1 = pool.request(t(2), a(), true);
    let r2 = pool.request(t(2), a(), true);
    let r3 = pool.request(t(2), a(), true);
    assert_eq!(
        assigns(&drain(&mut pool)).len(),
        3,
        "pipelined on the proven connection"
    );
    let r4 = pool.request(t(2), a(), true);
    pool.connection_lost(t(3), conn, &[(r1, true), (r2, true), (r3, true)]);
    let evs = drain(&mut pool);
    let new = opens(&evs)[0];
    pool.connected(t(4), new);
    let order: Vec<_> = assigns(&drain(&mut pool)).into_iter().map(|x| x.0).collect();
    assert_eq!(order[0], r1, "the retried requests come first, in order");
    assert_eq!(
        order.len(),
        1,
        "a fresh connection is not proven: no pipelining yet"
    );
    let _ = (r2, r3, r4);
}

#[test]
fn lost_connection_fails_requests_that_are_not_retry_safe() {
    let mut pool = Pool::new(PoolConfig::default());
    let post = pool.request(t(0), a(), false);
    let conn = opens(&drain(&mut pool))[0];
    pool.connected(t(0), conn);
    drain(&mut pool);
    pool.connection_lost(t(1), conn, &[(post, false)]);
    assert_eq!(
        drain(&mut pool),
        [PoolEvent::Failed {
            request: post,
            error: PoolError::NotRetrySafe
        }]
    );
    assert!(PoolError::NotRetrySafe.to_string().contains("not safe"));
}

#[test]
fn retry_budget_is_per_request() {
    let mut pool = Pool::new(PoolConfig {
        retry_budget: 1,
        ..PoolConfig::default()
    });
    let r = pool.request(t(0), a(), true);
    let c1 = opens(&drain(&mut pool))[0];
    pool.connected(t(0), c1);
    drain(&mut pool);
    pool.connection_lost(t(1), c1, &[(r, true)]);
    let c2 = opens(&drain(&mut pool))[0];
    pool.connected(t(2), c2);
    assert_eq!(assigns(&drain(&mut pool)), [(r, c2)]);
    pool.connection_lost(t(3), c2, &[(r, true)]);
    assert_eq!(
        drain(&mut pool),
        [PoolEvent::Failed {
            request: r,
            error: PoolError::RetriesExhausted
        }]
    );
}

#[test]
fn stale_reused_connection_retries_once_on_a_fresh_connection() {
    let mut pool = Pool::new(PoolConfig::default());
    let r1 = pool.request(t(0), a(), true);
    let r2 = pool.request(t(0), a(), true);
    let evs = drain(&mut pool);
    let (c1, c2) = (opens(&evs)[0], opens(&evs)[1]);
    pool.connected(t(0), c1);
    pool.connected(t(0), c2);
    let got = assigns(&drain(&mut pool));
    for (r, c) in &got {
        pool.exchange_done(t(1), *c, *r, true, KeepAliveHints::default());
    }
    // Both idle and reused; the server closed one of them meanwhile.
    let r3 = pool.request(t(10), a(), true);
    let (_, used) = assigns(&drain(&mut pool))[0];
    pool.connection_lost(t(11), used, &[(r3, true)]);
    let evs = drain(&mut pool);
    // Not the other idle (maybe stale too) connection: a fresh one.
    let fresh = opens(&evs);
    assert_eq!(fresh.len(), 1, "{evs:?}");
    assert!(assigns(&evs).is_empty());
    pool.connected(t(12), fresh[0]);
    assert_eq!(assigns(&drain(&mut pool)), [(r3, fresh[0])]);
    let _ = (r1, r2);
}

#[test]
fn connect_failure_fails_the_queued_requests() {
    let mut pool = Pool::new(PoolConfig::default());
    let r = pool.request(t(0), a(), true);
    let conn = opens(&drain(&mut pool))[0];
    pool.connect_failed(t(1), conn);
    assert_eq!(
        drain(&mut pool),
        [PoolEvent::Failed {
            request: r,
            error: PoolError::ConnectFailed
        }]
    );
}

#[test]
fn total_limit_closes_an_idle_connection_of_another_origin() {
    let mut pool = Pool::new(PoolConfig {
        max_total: 1,
        ..PoolConfig::default()
    });
    let r = pool.request(t(0), a(), true);
    let ca = opens(&drain(&mut pool))[0];
    pool.connected(t(0), ca);
    drain(&mut pool);
    pool.exchange_done(t(1), ca, r, true, KeepAliveHints::default());
    let b = Origin::http("b.example", 80);
    let _rb = pool.request(t(2), b.clone(), true);
    let evs = drain(&mut pool);
    assert_eq!(evs[0], PoolEvent::Close { conn: ca });
    assert!(matches!(&evs[1], PoolEvent::Open { origin, .. } if *origin == b));
    assert_eq!(pool.connections(), 1);
}

#[test]
fn max_idle_per_origin_closes_the_least_recently_used() {
    let mut pool = Pool::new(PoolConfig {
        max_idle_per_origin: 1,
        ..PoolConfig::default()
    });
    let r1 = pool.request(t(0), a(), true);
    let r2 = pool.request(t(0), a(), true);
    let evs = drain(&mut pool);
    for c in opens(&evs) {
        pool.connected(t(0), c);
    }
    let got = assigns(&drain(&mut pool));
    pool.exchange_done(t(1), got[0].1, r1, true, KeepAliveHints::default());
    pool.exchange_done(t(2), got[1].1, r2, true, KeepAliveHints::default());
    assert_eq!(drain(&mut pool), [PoolEvent::Close { conn: got[0].1 }]);
    assert_eq!(pool.idle_to(&a()), 1);
}

#[test]
fn non_idempotent_requests_are_never_pipelined_by_the_pool() {
    let mut pool = Pool::new(PoolConfig {
        max_per_origin: 1,
        pipeline_depth: 4,
        ..PoolConfig::default()
    });
    let r0 = pool.request(t(0), a(), true);
    let conn = opens(&drain(&mut pool))[0];
    pool.connected(t(0), conn);
    drain(&mut pool);
    pool.exchange_done(t(1), conn, r0, true, KeepAliveHints::default());
    let _g = pool.request(t(2), a(), true);
    let post = pool.request(t(2), a(), false);
    assert_eq!(
        assigns(&drain(&mut pool)).len(),
        1,
        "the POST waits for an idle connection"
    );
    assert_eq!(pool.queued_for(&a()), 1);
    let _ = post;
}

#[test]
fn cancel_withdraws_a_queued_request() {
    let mut pool = Pool::new(PoolConfig {
        max_per_origin: 1,
        ..PoolConfig::default()
    });
    let _r1 = pool.request(t(0), a(), true);
    let r2 = pool.request(t(0), a(), true);
    drain(&mut pool);
    pool.cancel(t(1), r2);
    assert_eq!(
        drain(&mut pool),
        [PoolEvent::Failed {
            request: r2,
            error: PoolError::Cancelled
        }]
    );
    assert_eq!(pool.queued_for(&a()), 1);
}

// ---------------------------------------------------------------- property

#[derive(Debug, Clone)]
enum Op {
    Request { origin: u8, safe: bool },
    Connect { pick: u8, ok: bool },
    Done { pick: u8, reusable: bool },
    Lose { pick: u8, safe: bool },
    Advance { ms: u16 },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0u8..3, any::<bool>()).prop_map(|(origin, safe)| Op::Request { origin, safe }),
        3 => (any::<u8>(), prop::bool::weighted(0.9)).prop_map(|(pick, ok)| Op::Connect { pick, ok }),
        4 => (any::<u8>(), prop::bool::weighted(0.8)).prop_map(|(pick, reusable)| Op::Done { pick, reusable }),
        1 => (any::<u8>(), any::<bool>()).prop_map(|(pick, safe)| Op::Lose { pick, safe }),
        1 => (0u16..5000).prop_map(|ms| Op::Advance { ms }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Never above the limits; no connection carries two exchanges unless
    /// pipelining; FIFO per origin (retries aside); every request ends
    /// assigned-and-done or failed once the driver stops adding work.
    #[test]
    fn pool_invariants(ops in prop::collection::vec(op(), 1..120), depth in 1usize..3) {
        let cfg = PoolConfig { max_per_origin: 2, max_total: 3, pipeline_depth: depth, idle_timeout: Duration::from_secs(3), ..PoolConfig::default() };
        let mut pool = Pool::new(cfg.clone());
        let origins = [Origin::http("a", 1), Origin::http("b", 1), Origin::http("c", 1)];
        let mut now = 0u64;
        let mut connecting: Vec<ConnId> = Vec::new();
        let mut open: BTreeMap<ConnId, VecDeque<PoolRequest>> = BTreeMap::new();
        let mut pending: BTreeSet<PoolRequest> = BTreeSet::new();
        let mut order: BTreeMap<usize, Vec<PoolRequest>> = BTreeMap::new();
        let mut origin_of: BTreeMap<PoolRequest, usize> = BTreeMap::new();
        let mut retried: BTreeSet<PoolRequest> = BTreeSet::new();
        let mut assigned_order: BTreeMap<usize, Vec<PoolRequest>> = BTreeMap::new();
        let apply = |pool: &mut Pool, connecting: &mut Vec<ConnId>, open: &mut BTreeMap<ConnId, VecDeque<PoolRequest>>,
                     pending: &mut BTreeSet<PoolRequest>, assigned_order: &mut BTreeMap<usize, Vec<PoolRequest>>,
                     origin_of: &BTreeMap<PoolRequest, usize>| -> Result<(), TestCaseError> {
            while let Some(ev) = pool.poll_event() {
                match ev {
                    PoolEvent::Open { conn, .. } => connecting.push(conn),
                    PoolEvent::Close { conn } => {
                        prop_assert!(open.get(&conn).is_none_or(|q| q.is_empty()), "closed a busy connection");
                        open.remove(&conn);
                    }
                    PoolEvent::Assign { request, conn } => {
                        let q = open.get_mut(&conn).ok_or_else(|| TestCaseError::fail("assigned to unknown conn"))?;
                        q.push_back(request);
                        prop_assert!(q.len() <= cfg.pipeline_depth, "more in flight than the pipeline depth");
                        assigned_order.entry(origin_of[&request]).or_default().push(request);
                    }
                    PoolEvent::Failed { request, .. } => { pending.remove(&request); }
                }
            }
            prop_assert!(pool.connections() <= cfg.max_total);
            Ok(())
        };
        for op in ops {
            match op {
                Op::Request { origin, safe } => {
                    let r = pool.request(Instant::from_millis(now), origins[origin as usize].clone(), safe);
                    pending.insert(r);
                    origin_of.insert(r, origin as usize);
                    order.entry(origin as usize).or_default().push(r);
                }
                Op::Connect { pick, ok } => {
                    if !connecting.is_empty() {
                        let c = connecting.remove(pick as usize % connecting.len());
                        if ok { open.insert(c, VecDeque::new()); pool.connected(Instant::from_millis(now), c); }
                        else { pool.connect_failed(Instant::from_millis(now), c); }
                    }
                }
                Op::Done { pick, reusable } => {
                    let busy: Vec<ConnId> = open.iter().filter(|(_, q)| !q.is_empty()).map(|(c, _)| *c).collect();
                    if !busy.is_empty() {
                        let c = busy[pick as usize % busy.len()];
                        let r = open.get_mut(&c).and_then(|q| q.pop_front()).ok_or_else(|| TestCaseError::fail("empty"))?;
                        pending.remove(&r);
                        let still = !open[&c].is_empty();
                        pool.exchange_done(Instant::from_millis(now), c, r, reusable, KeepAliveHints::default());
                        if !reusable && !still { open.remove(&c); }
                    }
                }
                Op::Lose { pick, safe } => {
                    if !open.is_empty() {
                        let c = *open.keys().nth(pick as usize % open.len()).ok_or_else(|| TestCaseError::fail("none"))?;
                        let q = open.remove(&c).unwrap_or_default();
                        let list: Vec<_> = q.iter().map(|r| (*r, safe)).collect();
                        retried.extend(q.iter().copied());
                        pool.connection_lost(Instant::from_millis(now), c, &list);
                    }
                }
                Op::Advance { ms } => {
                    now += u64::from(ms);
                    pool.handle_timeout(Instant::from_millis(now));
                }
            }
            apply(&mut pool, &mut connecting, &mut open, &mut pending, &mut assigned_order, &origin_of)?;
            for o in &origins {
                prop_assert!(pool.connections_to(o) <= cfg.max_per_origin);
            }
        }
        // FIFO per origin among requests never retried.
        for (o, seq) in &assigned_order {
            let first: Vec<_> = seq.iter().filter(|r| !retried.contains(r)).copied().collect();
            let mut dedup = first.clone();
            dedup.dedup();
            let expected: Vec<_> = order[o].iter().filter(|r| first.contains(r)).copied().collect();
            prop_assert_eq!(dedup, expected, "assignment order is not FIFO");
        }
        // Drive to quiescence: connect everything, finish everything.
        for _ in 0..1000 {
            if let Some(c) = connecting.pop() {
                open.insert(c, VecDeque::new());
                pool.connected(Instant::from_millis(now), c);
            } else if let Some((c, r)) = open.iter_mut().find_map(|(c, q)| q.pop_front().map(|r| (*c, r))) {
                pending.remove(&r);
                pool.exchange_done(Instant::from_millis(now), c, r, true, KeepAliveHints::default());
            } else {
                break;
            }
            apply(&mut pool, &mut connecting, &mut open, &mut pending, &mut assigned_order, &origin_of)?;
        }
        prop_assert!(pending.is_empty(), "requests never assigned or failed: {pending:?}");
    }
}

/// Found by the `pool` fuzz target: with one connection per origin, two
/// retried requests that needed a fresh connection waited forever once the
/// fresh connection had served the first of them (it was no longer
/// "unused"). A fresh connection now means one opened after the loss.
#[test]
fn retried_requests_share_the_connection_opened_after_the_loss() {
    let mut pool = Pool::new(PoolConfig {
        max_per_origin: 1,
        pipeline_depth: 2,
        ..PoolConfig::default()
    });
    let r0 = pool.request(t(0), a(), true);
    let c0 = opens(&drain(&mut pool))[0];
    pool.connected(t(0), c0);
    drain(&mut pool);
    let r1 = pool.request(t(1), a(), true);
    let r2 = pool.request(t(1), a(), true);
    pool.exchange_done(t(2), c0, r0, true, KeepAliveHints::default());
    assert_eq!(
        assigns(&drain(&mut pool)).len(),
        2,
        "pipelined on the proven connection"
    );
    pool.connection_lost(t(3), c0, &[(r1, true), (r2, true)]);
    let c1 = opens(&drain(&mut pool))[0];
    pool.connected(t(4), c1);
    assert_eq!(assigns(&drain(&mut pool)), [(r1, c1)]);
    pool.exchange_done(t(5), c1, r1, true, KeepAliveHints::default());
    assert_eq!(assigns(&drain(&mut pool)), [(r2, c1)]);
}
