//! Request authentication, as the platform describes it (`docs/platform.md` §2):
//! the five headers, the MD5 signature, the 600 s window, one use per nonce;
//! and the query-string `timestamp` + `sign` of warehouse logistics.

use std::time::Duration;

use http::HeaderMap;

use super::codes;
use xportcn::Credentials;
use xportcn::callbacks::MemoryReplayStore;
use xportcn::endpoint::Signing;
use xportcn::signing::{self, TimestampUnit};

/// Why a request was refused: the envelope code and message the sandbox
/// answers with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Refusal {
    pub code: i64,
    pub msg: String,
}

impl Refusal {
    pub(crate) fn new(code: i64, msg: impl Into<String>) -> Self {
        Refusal {
            code,
            msg: msg.into(),
        }
    }
}

/// What the check needs from the sandbox.
pub(crate) struct Check<'a> {
    pub creds: &'a Credentials,
    pub now_ms: u64,
    pub window_ms: u64,
    pub unit: Option<TimestampUnit>,
}

fn header<'h>(headers: &'h HeaderMap, name: &str) -> Result<&'h str, Refusal> {
    match headers.get(name).map(|v| v.to_str()) {
        Some(Ok(v)) if !v.is_empty() => Ok(v),
        Some(_) => Err(Refusal::new(
            codes::MISSING_HEADER,
            format!("header `{name}` is not valid text (请求头无效)"),
        )),
        None => Err(Refusal::new(
            codes::MISSING_HEADER,
            format!("missing header `{name}` (缺少请求头)"),
        )),
    }
}

/// The timestamp in milliseconds, if it is a number in a unit the check
/// accepts (the same reading as the push verifier's:
/// [`signing::parse_timestamp`]).
fn timestamp_ms(ts: &str, unit: Option<TimestampUnit>) -> Result<u64, Refusal> {
    let bad = |why: &str| {
        Refusal::new(
            codes::TIMESTAMP_INVALID,
            format!("timestamp `{ts}` {why} (时间戳无效)"),
        )
    };
    let (ms, read_as) = signing::parse_timestamp(ts).ok_or_else(|| bad("is not a number"))?;
    match unit {
        Some(want) if want != read_as => Err(bad(match want {
            TimestampUnit::Seconds => "must be in seconds (10 digits) here",
            _ => "must be in milliseconds (13 digits) here",
        })),
        _ => Ok(ms),
    }
}

/// Checks one request. `query` holds the decoded query pairs (for
/// [`Signing::Query`]).
pub(crate) fn check(
    c: &Check<'_>,
    nonces: &MemoryReplayStore,
    signing_at: Signing,
    headers: &HeaderMap,
    query: &[(String, String)],
) -> Result<(), Refusal> {
    let access_key = header(headers, "access-key")?;
    let nonce = header(headers, "nonce-str")?;
    let user_id = header(headers, "user-id")?;
    let (timestamp, signature) = match signing_at {
        Signing::Query => {
            let q = |name: &str| {
                query
                    .iter()
                    .find(|(k, _)| k == name)
                    .map(|(_, v)| v.as_str())
                    .filter(|v| !v.is_empty())
                    .ok_or_else(|| {
                        Refusal::new(
                            codes::MISSING_HEADER,
                            format!("missing query parameter `{name}` (缺少参数)"),
                        )
                    })
            };
            (q("timestamp")?, q("sign")?)
        }
        _ => (header(headers, "timestamp")?, header(headers, "signature")?),
    };
    if access_key != c.creds.access_key() {
        return Err(Refusal::new(
            codes::UNKNOWN_ACCESS_KEY,
            "unknown access-key (无效的accessKey)",
        ));
    }
    let at = timestamp_ms(timestamp, c.unit)?;
    if at.abs_diff(c.now_ms) > c.window_ms {
        return Err(Refusal::new(
            codes::TIMESTAMP_EXPIRED,
            format!(
                "timestamp expired: {} s from the server clock, more than {} s (时间戳过期)",
                at.abs_diff(c.now_ms) / 1000,
                c.window_ms / 1000
            ),
        ));
    }
    // The access key was checked equal to the credentials' just above.
    if !c.creds.verify_signature(timestamp, nonce, signature) {
        let what = match signing_at {
            Signing::Query => "query-string sign",
            _ => "signature",
        };
        return Err(Refusal::new(
            codes::SIGNATURE_MISMATCH,
            format!("{what} mismatch (签名错误)"),
        ));
    }
    if user_id != c.creds.user_id() {
        return Err(Refusal::new(
            codes::USER_MISMATCH,
            "user-id does not belong to this access-key (用户不匹配)",
        ));
    }
    // What is remembered is the concatenation `timestamp + nonce`, the very
    // text the signature covers: keyed on the nonce alone, a captured request
    // came back as a new one by moving the 3 millisecond digits of its
    // 13-digit timestamp to the front of its nonce (a seconds timestamp for
    // the same instant, a "new" nonce, the same signature).
    // It is kept for twice the window: a request dated up to the window
    // ahead can be replayed until its timestamp is a window old.
    let keep = Duration::from_millis(c.window_ms.saturating_mul(2));
    let signed = format!("{timestamp}{nonce}");
    if !nonces.insert_now(&signed, keep) {
        return Err(Refusal::new(
            codes::NONCE_REUSED,
            "nonce-str already used (重复请求)",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    const NOW: u64 = 1_715_669_977_082;

    fn creds() -> Credentials {
        Credentials::new(
            "58c0201dfdf148eca63cbf6bb5e7cf03",
            "s3cr3t",
            "2100007341207",
        )
    }

    fn headers(ts: &str, nonce: &str, secret: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        let sig = signing::sign("58c0201dfdf148eca63cbf6bb5e7cf03", ts, nonce, secret);
        for (k, v) in [
            ("access-key", "58c0201dfdf148eca63cbf6bb5e7cf03"),
            ("timestamp", ts),
            ("nonce-str", nonce),
            ("user-id", "2100007341207"),
            ("signature", sig.as_str()),
        ] {
            h.insert(k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    fn run(
        h: &HeaderMap,
        unit: Option<TimestampUnit>,
        nonces: &MemoryReplayStore,
    ) -> Result<(), Refusal> {
        let creds = creds();
        let c = Check {
            creds: &creds,
            now_ms: NOW,
            window_ms: 600_000,
            unit,
        };
        check(&c, nonces, Signing::Headers, h, &[])
    }

    #[test]
    fn the_golden_vector_passes_in_both_units() {
        let nonce = "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6";
        let h = headers("1715669977082", nonce, "s3cr3t");
        // The docs' example signature for these values.
        assert_eq!(
            h["signature"].to_str().unwrap(),
            "E2695BB8E0BDE9353BAA8086C281142A"
        );
        assert_eq!(run(&h, None, &MemoryReplayStore::default()), Ok(()));
        let h = headers("1715669977", nonce, "s3cr3t");
        assert_eq!(run(&h, None, &MemoryReplayStore::default()), Ok(()));
        let err = run(
            &h,
            Some(TimestampUnit::Millis),
            &MemoryReplayStore::default(),
        )
        .unwrap_err();
        assert_eq!(err.code, codes::TIMESTAMP_INVALID);
    }

    #[test]
    fn each_failure_has_its_code() {
        let n = MemoryReplayStore::default();
        let nonce = "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6";
        let wrong = headers("1715669977082", nonce, "other");
        assert_eq!(
            run(&wrong, None, &n).unwrap_err().code,
            codes::SIGNATURE_MISMATCH
        );
        let stale = headers("1715669300000", nonce, "s3cr3t");
        assert_eq!(
            run(&stale, None, &n).unwrap_err().code,
            codes::TIMESTAMP_EXPIRED
        );
        let mut missing = headers("1715669977082", nonce, "s3cr3t");
        missing.remove("user-id");
        let err = run(&missing, None, &n).unwrap_err();
        assert_eq!(err.code, codes::MISSING_HEADER);
        assert!(err.msg.contains("user-id"), "{}", err.msg);
        let good = headers("1715669977082", nonce, "s3cr3t");
        assert_eq!(run(&good, None, &n), Ok(()));
        assert_eq!(run(&good, None, &n).unwrap_err().code, codes::NONCE_REUSED);
    }

    #[test]
    fn a_replay_re_split_between_timestamp_and_nonce_is_refused() {
        // Regression (issue 19, finding 1): the 3 millisecond digits moved to
        // the front of the nonce give a seconds timestamp for the same
        // instant, a new nonce and the same signature.
        let n = MemoryReplayStore::default();
        let nonce = "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6";
        let genuine = headers("1715669977082", nonce, "s3cr3t");
        assert_eq!(run(&genuine, None, &n), Ok(()));
        let mut resplit = genuine.clone();
        resplit.insert("timestamp", HeaderValue::from_static("1715669977"));
        resplit.insert(
            "nonce-str",
            HeaderValue::from_str(&format!("082{nonce}")).unwrap(),
        );
        assert_eq!(resplit["signature"], genuine["signature"]);
        assert_eq!(
            run(&resplit, None, &n).unwrap_err().code,
            codes::NONCE_REUSED
        );
        // A genuine request with another nonce still passes.
        let other = headers(
            "1715669977082",
            "b1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6",
            "s3cr3t",
        );
        assert_eq!(run(&other, None, &n), Ok(()));
    }
}
