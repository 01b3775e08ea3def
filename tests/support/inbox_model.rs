//! A model-based test of the inbox contract (issue 24, part 8): random
//! sequences of append / fetch / ack / release / extend / forged tokens /
//! holder death / lease expiry run against a backend and a small reference
//! model. Included with `#[path]` by tests/inbox/receiver.rs (memory, SQLite) and
//! tests/inbox/redis_store.rs (Redis).
//!
//! The backends have no clock to control, so leases are short and real
//! (100 ms) and the model brackets every call with the time before and
//! after it: a lease surely holds until `before(lease) + lease`, and surely
//! ran out after `after(lease) + lease`. Properties checked:
//! * every stored push is delivered until acked (at the end, after every
//!   lease ran out, fetches hand out exactly the unacked pushes), and an
//!   acked push is never handed out again;
//! * never to two live holders: an entry is handed out again only once it
//!   was handed back or its lease may have run out (its holder died or
//!   stalled);
//! * `ack`, `release` and `extend` succeed exactly for the entry's current
//!   holder and attempt, and fail with `NotLeased` for anyone else;
//! * attempts count the leases; `append` is `Duplicate` exactly for a key
//!   stored before;
//! * (memory, SQLite) a fetch that returns less than it may hands out every
//!   entry that is surely available.

#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use proptest::prelude::*;
use xportcn::callbacks::inbox::{Appended, Push};
use xportcn::callbacks::{Inbox, Lease};

/// The lease of the inbox under test.
pub const LEASE: Duration = Duration::from_millis(100);

/// Clock slack between this process and the backend (SQLite and Redis
/// count whole milliseconds).
const SLACK: Duration = Duration::from_millis(5);

/// Consumers in a case.
const CONSUMERS: usize = 3;

/// One step of a case.
#[derive(Debug, Clone)]
pub enum Op {
    /// Append a push with key `k{0}`.
    Append(u8),
    /// Consumer `c` fetches up to `max`.
    Fetch { c: usize, max: usize },
    /// Consumer `c` acks its `i`-th token (stale ones included).
    Ack { c: usize, i: usize },
    /// Consumer `c` hands its `i`-th token back at once.
    Release { c: usize, i: usize },
    /// Consumer `c` extends its `i`-th token by one lease.
    Extend { c: usize, i: usize },
    /// Consumer `c` acks with a token of its `i`-th entry forged under
    /// another holder's name.
    Forge { c: usize, i: usize },
    /// Consumer `c` dies: its tokens are never used again.
    Die(usize),
    /// Every lease not extended runs out.
    Wait,
}

/// The strategy for a case's steps.
pub fn ops(len: std::ops::Range<usize>) -> impl Strategy<Value = Vec<Op>> {
    let c = 0..CONSUMERS;
    let i = 0..4usize;
    let op = prop_oneof![
        4 => (0..6u8).prop_map(Op::Append),
        4 => (c.clone(), 1..4usize).prop_map(|(c, max)| Op::Fetch { c, max }),
        3 => (c.clone(), i.clone()).prop_map(|(c, i)| Op::Ack { c, i }),
        2 => (c.clone(), i.clone()).prop_map(|(c, i)| Op::Release { c, i }),
        2 => (c.clone(), i.clone()).prop_map(|(c, i)| Op::Extend { c, i }),
        1 => (c.clone(), i).prop_map(|(c, i)| Op::Forge { c, i }),
        1 => c.prop_map(Op::Die),
        1 => Just(Op::Wait),
    ];
    proptest::collection::vec(op, len)
}

/// The model of one stored push.
#[derive(Debug, Clone)]
struct Entry {
    id: Option<String>,
    acked: bool,
    /// Leases so far.
    attempt: u32,
    /// The current holder and attempt, until acked or handed back.
    holder: Option<(String, u32)>,
    /// The time before and after the call that started or last extended
    /// the lease.
    since: (Instant, Instant),
}

impl Entry {
    /// Whether the lease surely still holds at `at` (an instant after the
    /// backend looked).
    fn surely_held(&self, at: Instant) -> bool {
        self.holder.is_some() && at + SLACK < self.since.0 + LEASE
    }

    /// Whether a fetch that started at `at` surely finds it available.
    fn surely_available(&self, at: Instant) -> bool {
        !self.acked && (self.holder.is_none() || at > self.since.1 + LEASE + SLACK)
    }
}

struct Model {
    /// By dedup key.
    entries: HashMap<String, Entry>,
    /// Tokens each consumer got, stale ones included.
    tokens: Vec<Vec<(String, Lease)>>,
    /// Names: a consumer that died comes back under a new name.
    names: Vec<String>,
    dead: usize,
}

impl Model {
    fn token(&self, c: usize, i: usize) -> Option<(String, Lease)> {
        let t = &self.tokens[c];
        (!t.is_empty()).then(|| t[i % t.len()].clone())
    }

    /// Whether `lease` is the current one of entry `key`.
    fn current(&self, key: &str, lease: &Lease) -> bool {
        self.entries.get(key).is_some_and(|e| {
            !e.acked && e.holder.as_ref() == Some(&(lease.holder.clone(), lease.attempt))
        })
    }
}

/// Runs `ops` against `inbox` (empty, with lease [`LEASE`]); `liveness`:
/// check that a short fetch hands out every surely available entry (not
/// for Redis, whose claim scan may need a second fetch).
pub async fn run(inbox: Arc<dyn Inbox>, ops: Vec<Op>, liveness: bool) -> Result<(), String> {
    let mut m = Model {
        entries: HashMap::new(),
        tokens: vec![Vec::new(); CONSUMERS],
        names: (0..CONSUMERS).map(|c| format!("c{c}")).collect(),
        dead: 0,
    };
    for (step, op) in ops.into_iter().enumerate() {
        let ctx = |what: String| format!("step {step} {op:?}: {what}");
        match op.clone() {
            Op::Append(k) => {
                let key = format!("k{k}");
                let body = super::inbox_contract::body(usize::from(k));
                let got = inbox
                    .append(&Push::new(key.clone(), body))
                    .await
                    .map_err(|e| ctx(e.to_string()))?;
                let want = if m.entries.contains_key(&key) {
                    Appended::Duplicate
                } else {
                    Appended::Stored
                };
                if got != want {
                    return Err(ctx(format!("append gave {got:?}, the model {want:?}")));
                }
                let now = Instant::now();
                m.entries.entry(key).or_insert(Entry {
                    id: None,
                    acked: false,
                    attempt: 0,
                    holder: None,
                    since: (now, now),
                });
            }
            Op::Fetch { c, max } => {
                let name = m.names[c].clone();
                let before = Instant::now();
                let got = inbox
                    .fetch(&name, max, Duration::ZERO)
                    .await
                    .map_err(|e| ctx(e.to_string()))?;
                let after = Instant::now();
                if got.len() > max {
                    return Err(ctx(format!("{} entries for max {max}", got.len())));
                }
                let mut keys = Vec::new();
                for l in &got {
                    let key = l.push.dedup_key.clone();
                    let Some(e) = m.entries.get_mut(&key) else {
                        return Err(ctx(format!("handed out {key}, never stored")));
                    };
                    if e.acked {
                        return Err(ctx(format!("handed out {key}, acked already")));
                    }
                    if e.surely_held(after) {
                        return Err(ctx(format!(
                            "handed {key} to {name} while {:?} surely held it",
                            e.holder
                        )));
                    }
                    if l.attempt != e.attempt + 1 || l.holder != name {
                        return Err(ctx(format!(
                            "{key}: attempt {} holder {}, the model {} {name}",
                            l.attempt,
                            l.holder,
                            e.attempt + 1
                        )));
                    }
                    if e.id.as_ref().is_some_and(|id| *id != l.id) {
                        return Err(ctx(format!("{key}: its id changed")));
                    }
                    e.id = Some(l.id.clone());
                    e.attempt = l.attempt;
                    e.holder = Some((name.clone(), l.attempt));
                    e.since = (before, after);
                    m.tokens[c].push((key.clone(), l.lease()));
                    keys.push(key);
                }
                if liveness && got.len() < max {
                    for (key, e) in &m.entries {
                        if !keys.contains(key) && e.surely_available(before) {
                            return Err(ctx(format!(
                                "{key} was surely available but not handed out"
                            )));
                        }
                    }
                }
            }
            Op::Ack { c, i } | Op::Release { c, i } | Op::Extend { c, i } => {
                let Some((key, lease)) = m.token(c, i) else {
                    continue;
                };
                let want_ok = m.current(&key, &lease);
                let before = Instant::now();
                let got = match op {
                    Op::Ack { .. } => inbox.ack(&lease).await,
                    Op::Release { .. } => inbox.release(&lease, Duration::ZERO).await,
                    _ => inbox.extend(&lease, LEASE).await,
                };
                let after = Instant::now();
                match (&got, want_ok) {
                    (Ok(()), true) => {
                        let e = m.entries.get_mut(&key).expect("modelled");
                        match op {
                            Op::Ack { .. } => {
                                e.acked = true;
                                e.holder = None;
                            }
                            Op::Release { .. } => e.holder = None,
                            _ => e.since = (before, after),
                        }
                    }
                    (Err(e), false) if e.is_not_leased() => {}
                    (got, want_ok) => {
                        return Err(ctx(format!(
                            "{key} with {lease:?}: {got:?}, the model expected ok={want_ok}"
                        )));
                    }
                }
            }
            Op::Forge { c, i } => {
                let Some((key, lease)) = m.token(c, i) else {
                    continue;
                };
                let forged = Lease::new(lease.id.clone(), "intruder", lease.attempt);
                match inbox.ack(&forged).await {
                    Err(e) if e.is_not_leased() => {}
                    got => return Err(ctx(format!("{key}: a forged ack gave {got:?}"))),
                }
            }
            Op::Die(c) => {
                m.tokens[c].clear();
                m.dead += 1;
                m.names[c] = format!("c{c}-{}", m.dead);
            }
            Op::Wait => tokio::time::sleep(LEASE + SLACK * 4).await,
        }
    }
    // Every lease runs out; then the unacked pushes, and only they, are
    // handed out (a few fetches: Redis's claim scan may need two).
    tokio::time::sleep(LEASE + SLACK * 4).await;
    let mut seen = Vec::new();
    for _ in 0..4 {
        let got = inbox
            .fetch("final", 64, Duration::ZERO)
            .await
            .map_err(|e| format!("final fetch: {e}"))?;
        seen.extend(got.into_iter().map(|l| l.push.dedup_key));
    }
    seen.sort();
    let mut want: Vec<String> = m
        .entries
        .iter()
        .filter(|(_, e)| !e.acked)
        .map(|(k, _)| k.clone())
        .collect();
    want.sort();
    if seen != want {
        return Err(format!(
            "at the end handed out {seen:?}, unacked in the model {want:?}"
        ));
    }
    Ok(())
}

/// Runs one case on a fresh current-thread runtime.
pub fn block_on<F: std::future::Future<Output = Result<(), String>>>(f: F) -> Result<(), String> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(f)
}
