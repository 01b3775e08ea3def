//! Message pushes (callbacks / webhooks) sent by the platform to your server.
//!
//! The platform POSTs a JSON envelope to the callback URL configured in the
//! console (Message Service). The receiver must answer **HTTP 200 within
//! 1000 ms**; a failed push is retried every 30 minutes, at most 5 times, and
//! the order of messages is not guaranteed (docs/platform.md §4).
//!
//! ```text
//! { "messageType": "ORDER_CREATE",            // what happened
//!   "messageBody": {...} or "{...}",           // object, or JSON-encoded string
//!   "messagePlatform": 1,                      // 0 = Taobao, 1 = 1688
//!   "timestamp": "1779263269913",              // push time
//!   "retryCount": 0, "developId": ..., "id": 224 }   // seen in some samples
//! ```
//!
//! The receiver answers 200 only once a push is **stored**: after a 200 the
//! platform never sends that message again. This module gives you these
//! layers, use the ones that fit:
//!
//! * [`Message::from_json`] / [`Message::from_slice`]: parse a push body into
//!   a typed [`Message`] (no authentication).
//! * [`Verifier`]: authenticate a push (the `Authorization` HMAC, which binds
//!   the body and is required by default; the request-style `signature`
//!   headers when present; timestamp window; replays, remembered by
//!   signature) and parse it, from any HTTP framework: hand it the headers
//!   and the raw body.
//! * [`Inbox`]: where verified pushes wait for your code, durably:
//!   [`SqliteInbox`] on one machine (feature `sqlite`, on with `axum`),
//!   `RedisInbox` on several (feature `redis`), [`MemoryInbox`] for tests.
//!   [`Consumer`] reads it at your pace: next, handle, [`Delivery::ack`].
//! * [`receive`]: the receive pipeline in any framework: verify, store
//!   (the de-duplication claim and the append in one atomic step), answer.
//! * [`ReplayStore`]: where the verifier remembers signatures: in memory
//!   ([`MemoryReplayStore`], bounded in bytes, the default) or, with feature
//!   `redis`, in a Redis shared by several receivers.
//! * `callbacks::axum` (feature `axum`): a ready axum router that verifies,
//!   stores in your inbox and then answers, and `serve` to run it with
//!   connection limits.
//!
//! ```
//! use xportcn::callbacks::{Message, Platform};
//! let push = r#"{"messageType":"ORDER_CANCEL","messagePlatform":1,"timestamp":"1779263269913",
//!   "messageBody":"{\"orderId\":\"3305075341149134260\",\"orderStatus\":\"CANCEL\",\"closeReason\":\"buyer_cancel\"}"}"#;
//! let msg = Message::from_json(push)?;
//! assert_eq!(msg.platform(), Platform::Ali1688);
//! if let Message::Ali1688OrderStatus { body, .. } = &msg {
//!     assert_eq!(body.close_reason.as_deref(), Some("buyer_cancel"));
//! }
//! # Ok::<(), xportcn::callbacks::CallbackError>(())
//! ```
#![warn(missing_docs)]

mod ali1688;
#[cfg(feature = "axum")]
pub mod axum;
mod bigmajor;
pub mod inbox;
mod message;
mod order;
mod receive;
mod replay;
mod sign;
pub mod storage;
mod taobao;
mod verify;

pub use crate::ali1688::{
    LogisticsItem as Ali1688LogisticsItem, NativeLogistics as Ali1688NativeLogistics,
    Order as Ali1688Order, OrderBaseInfo as Ali1688OrderBaseInfo, OrderContact as Ali1688Contact,
    OrderStatus as Ali1688OrderStatus, ProductItem as Ali1688ProductItem,
    ReceiverInfo as Ali1688ReceiverInfo, RefundStatus as Ali1688RefundStatus,
    SkuInfo as Ali1688SkuInfo, TradeTerm as Ali1688TradeTerm,
};
pub use ali1688::{Ali1688PriceModify, Ali1688Refund, Ali1688RefundOperation};
pub use bigmajor::{ParcelInbound, QualityInspection};
#[cfg(feature = "redis")]
pub use inbox::RedisInbox;
#[cfg(feature = "sqlite")]
pub use inbox::SqliteInbox;
pub use inbox::{Consumer, Delivery, Inbox, Lease, MemoryInbox};
// Operating the inbox: stats, list, replay, dead letters, metric names.
/// The platform a push is about: the crate's one [`Platform`]
/// (the same type as [`tracking::Platform`](crate::tracking::Platform)).
pub use crate::types::Platform;
pub use inbox::ops::{EntryState, InboxEntry, InboxOps, InboxStats};
pub use message::{Envelope, Message};
pub use order::{OrderEvent, OrderSummary, PushOrderStatus};
pub use receive::{Answer, DEFAULT_STORE_BUDGET, receive};
#[cfg(feature = "redis")]
pub use replay::RedisReplayStore;
pub use replay::{MEMORY_ENTRY_OVERHEAD, MemoryReplayStore, ReplayStore};
pub use sign::{sign_push, sign_push_with, sign_push_with_base};
// The storage layer's public names, also here where users found them first.
pub use storage::{StoreError, StoreErrorKind, StoreFuture};
pub use taobao::{PurchaseOrderPrice, TaobaoPriceModify, TaobaoRefund, TaobaoSubOrder};
pub use verify::{
    AuthorizationBase, DIAGNOSE_MAX_BODY, HEADER_AUTHORIZATION, MAX_NONCE_LEN, Rejection,
    SignatureScheme, UnsignedPushes, Verifier,
};

/// Why a push body could not be read as a [`Message`].
///
/// `Send + Sync + 'static`; never contains credentials.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CallbackError {
    /// The push is not valid JSON (syntax error or truncated), with the
    /// position serde_json reports: 1-based line; column 1-based, or 0 when
    /// the error is found just after a line break (such as a raw line break
    /// inside a string, as in the 1688 price change sample of the docs).
    #[error("the push is not valid JSON at line {line}, column {column}: {message}")]
    Json {
        /// 1-based line of the error.
        line: usize,
        /// 1-based column of the error.
        column: usize,
        /// What was wrong.
        message: String,
    },

    /// The push is JSON but not a message envelope (not an object, no
    /// `messageType`, an envelope field of the wrong type).
    #[error(
        "the push is not a message envelope at `{path}` (line {line}, column {column}): {message}"
    )]
    Envelope {
        /// JSON path of the offending value (`.` for the root).
        path: String,
        /// 1-based line of the error.
        line: usize,
        /// 1-based column of the error.
        column: usize,
        /// What was wrong.
        message: String,
    },

    /// `messageBody` is a string that should hold JSON but does not; the
    /// position is inside the decoded string.
    #[error(
        "messageBody of {message_type} is a string that is not valid JSON at line {line}, column {column}: {message}"
    )]
    BodyJson {
        /// The envelope's `messageType`.
        message_type: String,
        /// 1-based line inside the body string.
        line: usize,
        /// 1-based column inside the body string.
        column: usize,
        /// What was wrong.
        message: String,
    },

    /// `messageBody` does not fit the type of its message.
    #[error("messageBody of {message_type} does not fit at `{path}`: {message}")]
    Body {
        /// The envelope's `messageType`.
        message_type: String,
        /// JSON path of the offending value, from the body (`messageBody.…`).
        path: String,
        /// What was wrong.
        message: String,
    },
}

impl CallbackError {
    /// The error for a failed top-level parse.
    pub(crate) fn from_envelope(err: serde_path_to_error::Error<serde_json::Error>) -> Self {
        let path = err.path().to_string();
        let inner = err.into_inner();
        let (line, column) = (inner.line(), inner.column());
        if inner.is_data() {
            CallbackError::Envelope {
                path,
                line,
                column,
                message: json_message(&inner),
            }
        } else {
            CallbackError::Json {
                line,
                column,
                message: json_message(&inner),
            }
        }
    }

    /// A syntax error of serde_json, with its position.
    pub(crate) fn from_json(err: &serde_json::Error) -> Self {
        CallbackError::Json {
            line: err.line(),
            column: err.column(),
            message: json_message(err),
        }
    }
}

/// serde_json's message without its trailing ` at line L column C`.
pub(crate) fn json_message(err: &serde_json::Error) -> String {
    let text = err.to_string();
    let suffix = format!(" at line {} column {}", err.line(), err.column());
    match text.strip_suffix(&suffix) {
        Some(head) => head.to_owned(),
        None => text,
    }
}

/// Declares a string-valued status enum with an `Unknown(String)` fallback.
///
/// Matching ignores ASCII case, `_`, `-` and spaces, so 1688's
/// `waitselleragree` and `WAIT_SELLER_AGREE` are the same variant. Numbers
/// are read as their decimal text.
macro_rules! wire_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $wire:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )*
            /// A value this SDK does not know, kept as sent.
            Unknown(String),
        }

        impl $name {
            /// Reads a wire value; unknown values become `Unknown`.
            pub fn from_wire(text: &str) -> Self {
                $( if $crate::callbacks::wire_eq(text, $wire) { return $name::$variant; } )*
                $name::Unknown(text.to_owned())
            }

            /// The canonical wire value (the value as sent for `Unknown`).
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $wire, )*
                    $name::Unknown(s) => s,
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text: Option<String> = $crate::types::lenient::opt_string(d)?;
                Ok($name::from_wire(text.as_deref().unwrap_or("")))
            }
        }

        impl $crate::model::Scalar for $name {
            fn deserialize_opt<'de, D: ::serde::Deserializer<'de>>(
                d: D,
            ) -> Result<Option<Self>, D::Error> {
                Ok($crate::types::lenient::opt_string(d)?.map(|t| $name::from_wire(&t)))
            }
        }
    };
}
pub(crate) use wire_enum;

/// Whether `text` and `wire` are equal ignoring ASCII case, `_`, `-` and
/// spaces.
pub(crate) fn wire_eq(text: &str, wire: &str) -> bool {
    fn norm(s: &str) -> impl Iterator<Item = char> + '_ {
        s.chars()
            .filter(|c| !matches!(c, '_' | '-' | ' '))
            .map(|c| c.to_ascii_lowercase())
    }
    norm(text).eq(norm(wire))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_eq_ignores_case_and_separators() {
        for (a, b, eq) in [
            ("WAIT_SELLER_AGREE", "waitselleragree", true),
            ("wait-seller agree", "WAIT_SELLER_AGREE", true),
            ("É_x", "é_X", false),
            ("", "_- ", true),
            ("a", "ab", false),
            ("WaitBuyerPay", "waitbuyerpay", true),
            ("ab", "a_b", true),
        ] {
            assert_eq!(wire_eq(a, b), eq, "{a} {b}");
        }
    }
}
