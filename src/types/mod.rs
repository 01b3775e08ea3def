//! Lenient value types shared by every module.
//!
//! The platform is inconsistent about JSON types (see `docs/platform.md` §5):
//! ids arrive as numbers or strings and often exceed 2^53, numbers
//! arrive as strings, and times come as epoch milliseconds (number or string),
//! `yyyy-MM-dd HH:mm:ss` text, or 1688's `20170913231916000-0700`.
//!
//! * [`Id`] accepts a JSON number or string and never loses a digit.
//! * [`Decimal`] keeps a money amount or other decimal exactly as sent.
//! * [`Timestamp`] accepts every time format seen and keeps the original text.
//! * [`lenient`] holds `deserialize_with` helpers for plain `Option<i64>`,
//!   `Option<f64>`, `Option<String>` and `Option<bool>` fields that the server
//!   sends with either JSON type.
//! * [`Extra`] is the map every response struct flattens in, so a field the SDK
//!   does not model is never lost.

mod extra;
mod id;
pub mod lenient;
mod money;
mod platform;
mod time;

pub use extra::Extra;
#[doc(hidden)]
pub use extra::TypedKeys;
pub use id::Id;
pub use money::{Decimal, Fen, Yuan};
pub use platform::Platform;
pub use time::Timestamp;

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[test]
    fn id_keeps_every_digit() {
        for text in [
            "18446744073709551615",
            "\"18446744073709551615\"",
            "9223372036854775807",
        ] {
            let id: Id = serde_json::from_str(text).unwrap();
            assert_eq!(id.as_str(), text.trim_matches('"'));
        }
        let id: Id = serde_json::from_str("\"WUnUC1cILiBjt-Jv3lDdlQ\"").unwrap();
        assert_eq!(id.as_u64(), None);
        assert_eq!(serde_json::to_string(&Id::from(5u64)).unwrap(), "\"5\"");
    }

    #[test]
    fn id_rejects_numbers_that_would_lose_digits() {
        let err = serde_json::from_str::<Id>("123456789012345678901234").unwrap_err();
        assert!(err.to_string().contains("losing digits"), "{err}");
        assert!(serde_json::from_str::<Id>("1.5").is_err());
        assert!(serde_json::from_str::<Id>("true").is_err());
    }

    #[test]
    fn timestamps_in_every_format() {
        let cases = [
            ("1704853762000", Some(1_704_853_762_000)),
            ("\"1779263269913\"", Some(1_779_263_269_913)),
            ("\"2026-05-20 15:40:00\"", Some(1_779_262_800_000)),
            ("\"20170913231708000-0700\"", Some(1_505_369_828_000)),
            ("\"2018-02-07 15: 27: 58\"", None),
            ("\"2018-13-07 15:27:58\"", None),
        ];
        for (json, want) in cases {
            let t: Timestamp = serde_json::from_str(json).unwrap();
            assert_eq!(t.epoch_millis(), want, "{json}");
            assert_eq!(t.raw(), json.trim_matches('"'));
        }
    }

    #[test]
    fn lenient_scalars() {
        #[derive(Deserialize)]
        struct S {
            #[serde(default, deserialize_with = "lenient::opt_i64")]
            a: Option<i64>,
            #[serde(default, deserialize_with = "lenient::opt_f64")]
            b: Option<f64>,
            #[serde(default, deserialize_with = "lenient::opt_string")]
            c: Option<String>,
            #[serde(default, deserialize_with = "lenient::opt_bool")]
            d: Option<bool>,
        }
        let s: S = serde_json::from_str(r#"{"a":"12","b":"1.5","c":7,"d":"1"}"#).unwrap();
        assert_eq!(
            (s.a, s.b, s.c.as_deref(), s.d),
            (Some(12), Some(1.5), Some("7"), Some(true))
        );
        let s: S = serde_json::from_str(r#"{"a":null,"b":"","c":null}"#).unwrap();
        assert_eq!((s.a, s.b, s.c, s.d), (None, None, None, None));
        assert!(serde_json::from_str::<S>(r#"{"a":"x"}"#).is_err());
        assert!(serde_json::from_str::<S>(r#"{"a":18446744073709551615}"#).is_err());
    }

    #[test]
    fn decimal_keeps_text() {
        let d: Decimal = serde_json::from_str("117.00").unwrap();
        assert_eq!(d.to_f64(), Some(117.0));
        let d: Decimal = serde_json::from_str("\"117.00\"").unwrap();
        assert_eq!(d.as_str(), "117.00");
    }
}
