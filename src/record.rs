//! Recorded exchanges: what [`ClientBuilder::record_to`](crate::ClientBuilder::record_to)
//! (and `xportcn call --record DIR`) writes, what
//! [`SandboxBuilder::replay_from`](crate::sandbox::SandboxBuilder::replay_from)
//! answers with, and what [`codegen::generate`](crate::codegen::generate)
//! (`xportcn model`) types.
//!
//! Half of the platform's response schemas are on no doc page: a user's own
//! traffic is where they are seen. One file holds one exchange, as JSON:
//!
//! ```json
//! {
//!   "format": "xportcn-exchange/1",
//!   "endpoint": "TB-P8",
//!   "method": "GET",
//!   "path": "/open/product/get",
//!   "query": {"itemId": "672991141190"},
//!   "request": null,
//!   "status": 200,
//!   "response": {"code": 200, "msg": "成功", "data": {"itemId": 672991141190}}
//! }
//! ```
//!
//! # What is never written
//! - **By construction**: the access key, the secret, the signature, the
//!   nonce, the timestamp and the user id travel in headers (or, for
//!   warehouse logistics, in query pairs added at signing). The record is
//!   built from the request *before* it is signed (method, path, query,
//!   body), so none of them is in it. As a second line, any string equal to
//!   the access key, the user id or the secret is replaced wherever it
//!   appears.
//! - **Personal data**: the value under any key that
//!   [`is_personal_key`] names (names, phones, addresses, ID numbers,
//!   e-mails, postcodes; the list is [`PERSONAL_KEYS`] and
//!   [`PERSONAL_KEY_PARTS`]) is replaced by [`REDACTED`] (a string) or `0` (a
//!   number), in the request and in the response, at any depth, also inside
//!   JSON encoded in a string (the platform's `receiver`, `messageBody`). An
//!   object or list under such a key keeps its shape, with every value
//!   inside redacted, so a model can still be generated from it.
//!
//! Numbers are kept as `serde_json` reads them: integers exactly (ids up to
//! 2^64), decimals as their shortest `f64` text.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::credentials::Credentials;
use crate::error::Error;

/// The `format` of an exchange file this version writes and reads.
pub const FORMAT: &str = "xportcn-exchange/1";

/// What a redacted string becomes.
pub const REDACTED: &str = "<redacted>";

/// Largest non-JSON response text kept in a record (an HTML error page):
/// the rest is cut.
const MAX_TEXT: usize = 4096;

/// Keys whose values are personal data, compared after lower-casing and
/// dropping `_` and `-` (so `receiverName`, `receiver_name` and
/// `RECEIVER-NAME` are one key). Kept with [`PERSONAL_KEY_PARTS`] in this one
/// place; [`is_personal_key`] reads both.
///
/// The names come from the platform's documented samples and the SDK's
/// models: addresses (`address`, `fullAddress`, `detailAddress`,
/// `receiverAddress`, `province`/`city`/`area`/`town` and their `…Text`),
/// 1688's `toFullName`, `toArea`, `toPost`, `contactPerson`, the logistics
/// `fromPhone`/`fromMobile`, the buyer's `buyerLoginId` and `buyerAlipayId`,
/// the operator's `operatorLoginId`.
pub const PERSONAL_KEYS: &[&str] = &[
    "name",
    "fullname",
    "tofullname",
    "realname",
    "username",
    "nickname",
    "nick",
    "buyernick",
    "buyername",
    "sellernickname",
    "linkman",
    "tel",
    "telephone",
    "fax",
    "province",
    "provincetext",
    "city",
    "citytext",
    "area",
    "areatext",
    "district",
    "town",
    "towntext",
    "county",
    "street",
    "topost",
    "toarea",
    "postcode",
    "zip",
    "zipcode",
    "idno",
    "certno",
    "passport",
    "buyerloginid",
    "buyeralipayid",
    "operatorloginid",
];

/// Parts of keys whose values are personal data: a key (lower-cased, `_`
/// and `-` dropped) that contains one of these is personal (`mobilePhone`,
/// `buyerPhone`, `receiverInfo`, `consigneeName`, `sellerContact`,
/// `idCardNo`, `email`).
pub const PERSONAL_KEY_PARTS: &[&str] = &[
    "phone",
    "mobile",
    "address",
    "receiver",
    "consignee",
    "contact",
    "idcard",
    "idnumber",
    "identity",
    "email",
];

/// Whether the value under `key` is personal data: [`PERSONAL_KEYS`] and
/// [`PERSONAL_KEY_PARTS`], compared lower-case without `_` and `-`.
///
/// ```
/// use xportcn::record::is_personal_key;
/// assert!(is_personal_key("receiverName"));
/// assert!(is_personal_key("mobile_phone"));
/// assert!(is_personal_key("fullAddress"));
/// assert!(!is_personal_key("itemId"));
/// assert!(!is_personal_key("propName"));
/// ```
pub fn is_personal_key(key: &str) -> bool {
    let norm: String = key
        .chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect();
    PERSONAL_KEYS.contains(&norm.as_str()) || PERSONAL_KEY_PARTS.iter().any(|p| norm.contains(p))
}

/// Redacts personal data in a JSON value, in place: see the
/// [module docs](self).
///
/// ```
/// use serde_json::json;
/// let mut v = json!({"orderId": 1, "receiver": "{\"name\":\"张三\",\"mobile\":\"13800138000\"}",
///                    "list": [{"phone": 13800138000_u64, "qty": 2}]});
/// xportcn::record::redact(&mut v);
/// let text = v.to_string();
/// assert!(!text.contains("张三") && !text.contains("13800138000"));
/// assert_eq!(v["list"][0]["qty"], 2);
/// ```
pub fn redact(value: &mut Value) {
    redact_in(value, false, 0);
}

/// Depth beyond which a value is redacted whole (a bound against hostile
/// nesting).
const MAX_DEPTH: usize = 64;

fn redact_in(value: &mut Value, personal: bool, depth: usize) {
    if depth > MAX_DEPTH {
        *value = Value::String(REDACTED.to_owned());
        return;
    }
    match value {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                redact_in(v, personal || is_personal_key(k), depth + 1);
            }
        }
        Value::Array(items) => {
            for v in items {
                redact_in(v, personal, depth + 1);
            }
        }
        Value::String(s) => {
            // JSON inside a string (`receiver`, `messageBody`): redact
            // inside it and encode it again, so its shape stays readable.
            let t = s.trim_start();
            let inner = (t.starts_with('{') || t.starts_with('['))
                .then(|| serde_json::from_str::<Value>(s).ok())
                .flatten();
            if let Some(mut inner) = inner {
                redact_in(&mut inner, personal, depth + 1);
                *s = inner.to_string();
                return;
            }
            if personal && !s.is_empty() {
                *s = REDACTED.to_owned();
            }
        }
        Value::Number(_) if personal => *value = Value::from(0),
        _ => {}
    }
}

/// Replaces every string equal to (or containing) one of `secrets`, and
/// every number whose text equals one, at any depth.
fn scrub(value: &mut Value, secrets: &[&str]) {
    match value {
        Value::Object(map) => map.values_mut().for_each(|v| scrub(v, secrets)),
        Value::Array(items) => items.iter_mut().for_each(|v| scrub(v, secrets)),
        Value::String(s) if secrets.iter().any(|x| s.contains(x)) => {
            *s = REDACTED.to_owned();
        }
        Value::Number(n) => {
            let text = n.to_string();
            if secrets.iter().any(|x| *x == text) {
                *value = Value::String(REDACTED.to_owned());
            }
        }
        _ => {}
    }
}

/// One recorded exchange: a request as the SDK built it (unsigned) and the
/// answer it got. See the [module docs](self) for the file format and what
/// is redacted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Exchange {
    /// Always [`FORMAT`].
    pub format: String,
    /// The endpoint id (`TB-P8`); `None` for a call by path
    /// ([`Client::raw`](crate::Client::raw)).
    pub endpoint: Option<String>,
    /// `GET` or `POST`.
    pub method: String,
    /// The path below the base URL, without the query.
    pub path: String,
    /// The query's pairs, as an object of strings (a repeated name holds a
    /// list), if there was a query.
    #[serde(default)]
    pub query: Option<Value>,
    /// The JSON body sent, if any.
    #[serde(default)]
    pub request: Option<Value>,
    /// The HTTP status answered.
    pub status: u16,
    /// The body answered, when it was JSON (usually the `{code, msg, data}`
    /// envelope).
    #[serde(default)]
    pub response: Option<Value>,
    /// The body answered, when it was not JSON (an HTML error page), cut at
    /// 4 KiB.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_text: Option<String>,
    /// When it was recorded, in milliseconds since the Unix epoch.
    #[serde(default)]
    pub recorded_at_ms: u64,
}

impl Exchange {
    /// An exchange from the request's unsigned parts and the answer, with
    /// personal data redacted.
    pub fn new(
        endpoint: Option<&str>,
        method: &str,
        path: &str,
        query: &str,
        body: Option<&[u8]>,
        status: u16,
        response: &[u8],
    ) -> Exchange {
        let query = (!query.is_empty()).then(|| query_object(query));
        let request = body.map(|b| {
            serde_json::from_slice(b)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(b).into_owned()))
        });
        let (response, response_text) = match serde_json::from_slice::<Value>(response) {
            Ok(v) => (Some(v), None),
            Err(_) => {
                let text = String::from_utf8_lossy(response);
                let mut cut = text.len().min(MAX_TEXT);
                while !text.is_char_boundary(cut) {
                    cut -= 1;
                }
                (None, Some(text[..cut].to_owned()))
            }
        };
        let mut ex = Exchange {
            format: FORMAT.to_owned(),
            endpoint: endpoint.map(str::to_owned),
            method: method.to_owned(),
            path: path.to_owned(),
            query,
            request,
            status,
            response,
            response_text,
            recorded_at_ms: SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
        };
        for v in [&mut ex.query, &mut ex.request, &mut ex.response]
            .into_iter()
            .flatten()
        {
            redact(v);
        }
        ex
    }

    /// The answer's `data` when the response is the platform's envelope
    /// (`{code, msg, data}`), else the whole JSON response.
    pub fn data(&self) -> Option<&Value> {
        let r = self.response.as_ref()?;
        Some(envelope_data(r).unwrap_or(r))
    }

    /// Reads one exchange file.
    ///
    /// # Errors
    /// [`Error::Config`] when the file cannot be read or is not an exchange.
    pub fn read(path: &Path) -> Result<Exchange, Error> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::Config(format!("cannot read {}: {e}", path.display())))?;
        Exchange::from_json(&text).map_err(|e| Error::Config(format!("{}: {e}", path.display())))
    }

    /// Reads an exchange from its JSON text.
    ///
    /// # Errors
    /// A message when the text is not an exchange of this [`FORMAT`].
    pub fn from_json(text: &str) -> Result<Exchange, String> {
        let ex: Exchange =
            serde_json::from_str(text).map_err(|e| format!("not a recorded exchange: {e}"))?;
        if ex.format != FORMAT {
            return Err(format!(
                "format {:?} is not {FORMAT:?}, the one this version reads",
                ex.format
            ));
        }
        Ok(ex)
    }

    /// Every exchange file (`*.json`) of a directory, in file-name order
    /// (which is recording order for one endpoint: see [`Recorder`]).
    ///
    /// # Errors
    /// [`Error::Config`] when the directory or a file cannot be read, or a
    /// `.json` file is not an exchange.
    pub fn read_dir(dir: &Path) -> Result<Vec<Exchange>, Error> {
        let entries = std::fs::read_dir(dir)
            .map_err(|e| Error::Config(format!("cannot read {}: {e}", dir.display())))?;
        let mut paths: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json") && p.is_file())
            .collect();
        paths.sort();
        paths.iter().map(|p| Exchange::read(p)).collect()
    }
}

/// The `data` of an envelope: an object with `code` and `data` (or `msg`).
pub(crate) fn envelope_data(v: &Value) -> Option<&Value> {
    let o = v.as_object()?;
    if o.contains_key("code") && (o.contains_key("data") || o.contains_key("msg")) {
        Some(o.get("data").unwrap_or(&Value::Null))
    } else {
        None
    }
}

fn query_object(query: &str) -> Value {
    let mut map = Map::new();
    for (k, v) in url::form_urlencoded::parse(query.as_bytes()).into_owned() {
        match map.get_mut(&k) {
            None => {
                map.insert(k, Value::String(v));
            }
            Some(Value::Array(list)) => list.push(Value::String(v)),
            Some(first) => {
                let prev = first.take();
                *first = Value::Array(vec![prev, Value::String(v)]);
            }
        }
    }
    Value::Object(map)
}

/// Writes exchanges to a directory, one file each: what
/// [`ClientBuilder::record_to`](crate::ClientBuilder::record_to) sets up.
///
/// File names are `<endpoint-id or "raw">-<unix ms>-<process id>-<counter>.json`:
/// unique across calls and processes, and in recording order for one
/// endpoint. Each file is written to a temporary name and renamed, so a
/// reader never sees half a file. A failure to record is logged at WARN and
/// never fails the call.
pub struct Recorder {
    dir: PathBuf,
    seq: AtomicU64,
    /// Access key, user id and secret: replaced wherever they appear.
    secrets: Vec<String>,
}

impl std::fmt::Debug for Recorder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recorder")
            .field("dir", &self.dir)
            .finish_non_exhaustive()
    }
}

impl Recorder {
    /// A recorder into `dir` (created on the first write if missing) for a
    /// client with `creds`.
    pub(crate) fn new(dir: PathBuf, creds: &Credentials) -> Recorder {
        let secrets = [creds.access_key(), creds.user_id(), creds.access_secret()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        Recorder {
            dir,
            seq: AtomicU64::new(0),
            secrets,
        }
    }

    /// Records one exchange; logs at WARN and carries on if it cannot.
    pub(crate) fn record(&self, mut exchange: Exchange) {
        let secrets: Vec<&str> = self.secrets.iter().map(String::as_str).collect();
        for v in [
            &mut exchange.query,
            &mut exchange.request,
            &mut exchange.response,
        ]
        .into_iter()
        .flatten()
        {
            scrub(v, &secrets);
        }
        if let Some(t) = exchange
            .response_text
            .as_mut()
            .filter(|t| secrets.iter().any(|s| t.contains(s)))
        {
            *t = REDACTED.to_owned();
        }
        if let Err(e) = self.write(&exchange) {
            tracing::warn!(dir = %self.dir.display(), error = %e, "could not record the exchange");
        }
    }

    fn write(&self, exchange: &Exchange) -> std::io::Result<PathBuf> {
        let n = self.seq.fetch_add(1, Ordering::Relaxed);
        let id: String = exchange
            .endpoint
            .as_deref()
            .unwrap_or("raw")
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let stem = format!(
            "{id}-{:013}-{}-{n:06}",
            exchange.recorded_at_ms,
            std::process::id()
        );
        std::fs::create_dir_all(&self.dir)?;
        let text = serde_json::to_vec_pretty(exchange).map_err(std::io::Error::other)?;
        let tmp = self.dir.join(format!(".{stem}.tmp"));
        let path = self.dir.join(format!("{stem}.json"));
        std::fs::write(&tmp, text)?;
        if let Err(e) = std::fs::rename(&tmp, &path) {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
        tracing::debug!(path = %path.display(), "exchange recorded");
        Ok(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn personal_values_are_redacted_at_any_depth_and_inside_json_strings() {
        let body = json!({
            "itemId": "672991141190",
            "receiverName": "张三",
            "receiver": r#"{"name":"李四","mobile":"13900139000","address":"北京市朝阳区某路1号"}"#,
            "addressParam": {"fullName": "王五", "postCode": "100000", "areaText": "朝阳区"},
            "subOrders": [{"quantity": 2, "buyerPhone": 13700137000_u64, "idCard": "110101199003071234"}],
        });
        let text = body.to_string();
        let ex = Exchange::new(
            Some("TB-O7"),
            "POST",
            "/open/order",
            "email=a%40b.example&itemId=1",
            Some(text.as_bytes()),
            200,
            br#"{"code":200,"msg":"ok","data":{"orderId":1,"consignee":{"telephone":"010-12345678"}}}"#,
        );
        let out = serde_json::to_string(&ex).unwrap();
        for leaked in [
            "张三",
            "李四",
            "13900139000",
            "北京市",
            "王五",
            "100000",
            "朝阳区",
            "13700137000",
            "110101199003071234",
            "a@b.example",
            "010-12345678",
        ] {
            assert!(!out.contains(leaked), "{leaked} in {out}");
        }
        // Shapes and the other values stay.
        assert_eq!(ex.request.as_ref().unwrap()["itemId"], "672991141190");
        assert_eq!(ex.request.as_ref().unwrap()["subOrders"][0]["quantity"], 2);
        assert_eq!(ex.query.as_ref().unwrap()["itemId"], "1");
        assert_eq!(ex.data().unwrap()["orderId"], 1);
        let receiver: Value =
            serde_json::from_str(ex.request.as_ref().unwrap()["receiver"].as_str().unwrap())
                .unwrap();
        assert_eq!(receiver["mobile"], REDACTED);
    }

    #[test]
    fn non_json_answers_are_kept_as_cut_text_and_hostile_nesting_is_bounded() {
        let page = "<html>".repeat(2000);
        let ex = Exchange::new(None, "GET", "/x", "", None, 503, page.as_bytes());
        assert!(ex.response.is_none());
        assert!(ex.response_text.unwrap().len() <= MAX_TEXT);
        let deep = format!("{}1{}", "[".repeat(100), "]".repeat(100));
        let ex = Exchange::new(None, "GET", "/x", "", None, 200, deep.as_bytes());
        assert!(ex.response.is_some());
    }

    #[test]
    fn the_recorder_scrubs_credentials_and_writes_unique_files() {
        let dir = std::env::temp_dir().join(format!("xportcn-record-unit-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let creds = Credentials::new("AK-unit-key", "SK-unit-secret", "2100009999999");
        let rec = Recorder::new(dir.clone(), &creds);
        let body = br#"{"code":200,"data":{"owner":2100009999999,"note":"key AK-unit-key"}}"#;
        for _ in 0..2 {
            rec.record(Exchange::new(
                Some("TB-P8"),
                "GET",
                "/p",
                "",
                None,
                200,
                body,
            ));
        }
        let files = Exchange::read_dir(&dir).unwrap();
        assert_eq!(files.len(), 2);
        for f in std::fs::read_dir(&dir).unwrap() {
            let text = std::fs::read_to_string(f.unwrap().path()).unwrap();
            assert!(!text.contains("AK-unit-key") && !text.contains("2100009999999"));
        }
        // A directory that cannot be created: the call goes on, nothing panics.
        let file = dir.join("a-file");
        std::fs::write(&file, b"x").unwrap();
        Recorder::new(file.join("sub"), &creds)
            .record(Exchange::new(None, "GET", "/p", "", None, 200, body));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
