//! When the platform (or a gateway in front of it) rejects the signature or
//! the timestamp, the error says what to check: clock skew, the
//! seconds/milliseconds setting, and the credentials.
use crate::common;

use common::*;
use wiremock::{Mock, MockServer, ResponseTemplate};
use xportcn::Error;

async fn answer(template: ResponseTemplate) -> Error {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(template)
        .mount(&server)
        .await;
    client(&server).taobao().product_get("1").await.unwrap_err()
}

fn assert_hint(err: &Error, ctx: &str) {
    let hint = err
        .hint()
        .unwrap_or_else(|| panic!("{ctx}: no hint in {err:?}"));
    for must in [
        "clock",
        "skew",
        "seconds",
        "milliseconds",
        "timestamp_unit",
        "access key",
        "access secret",
        "user id",
    ] {
        assert!(hint.contains(must), "{ctx}: hint lacks {must:?}: {hint}");
    }
    let text = err.to_string();
    assert!(text.contains(hint), "{ctx}: Display lacks the hint: {text}");
    assert!(!text.contains(SECRET) && !format!("{err:?}").contains(SECRET));
}

#[tokio::test]
async fn platform_auth_messages_get_the_hint() {
    let cases: &[(i64, &str)] = &[
        (500, "签名错误"),
        (500, "签名验证失败"),
        (400, "timestamp expired"),
        (400, "时间戳过期"),
        (500, "请求已过期，请检查时间戳"),
        (403, "invalid access key"),
        (500, "Invalid signature"),
        (500, "鉴权失败"),
        (401, "unauthorized"),
        (401, ""),
        (403, "forbidden"),
        (500, "nonce-str 重复"),
    ];
    for &(code, msg) in cases {
        let err = answer(ResponseTemplate::new(200).set_body_json(
            serde_json::json!({"code": code, "msg": msg, "requestId": "r1", "data": null}),
        ))
        .await;
        let ctx = format!("code {code} msg {msg:?}");
        let Error::Api(api) = &err else {
            panic!("{ctx}: {err:?}")
        };
        assert!(api.is_signature_problem(), "{ctx}");
        assert_hint(&err, &ctx);
        // The Api hint also quotes what was signed, secret masked.
        assert!(err.to_string().contains("<access_secret>"), "{ctx}");
    }
}

#[tokio::test]
async fn unrelated_platform_errors_get_no_hint() {
    for (code, msg) in [
        (500, "商品不存在"),
        (5001, "库存不足"),
        (500, "系统繁忙"),
        (400, "参数错误: pageNo"),
    ] {
        let err = answer(
            ResponseTemplate::new(200).set_body_json(serde_json::json!({"code": code, "msg": msg})),
        )
        .await;
        assert!(err.hint().is_none(), "{code} {msg}: {err}");
        assert!(!err.to_string().contains("clock"), "{err}");
    }
}

#[tokio::test]
async fn an_error_envelope_behind_http_401_gets_the_hint() {
    let err = answer(
        ResponseTemplate::new(401)
            .set_body_json(serde_json::json!({"code": 500, "msg": "请求失败"})),
    )
    .await;
    assert!(
        matches!(&err, Error::Api(a) if a.http_status == 401),
        "{err:?}"
    );
    assert_hint(&err, "envelope behind 401");
}

#[tokio::test]
async fn http_401_and_403_without_an_envelope_get_the_hint() {
    for (status, body) in [
        (
            401u16,
            "<html><body><h1>401 Authorization Required</h1></body></html>",
        ),
        (403, "<html><body><h1>403 Forbidden</h1></body></html>"),
        (401, ""),
        (403, "{\"error\":\"signature mismatch\"}"),
    ] {
        let err = answer(ResponseTemplate::new(status).set_body_raw(body, "text/html")).await;
        let ctx = format!("HTTP {status} {body:?}");
        assert!(
            matches!(&err, Error::Http { status: s, .. } if *s == status),
            "{ctx}: {err:?}"
        );
        assert_hint(&err, &ctx);
        assert!(!err.is_retryable(), "{ctx}");
    }
    // Other statuses without an envelope do not.
    for status in [400u16, 404, 500, 502] {
        let err =
            answer(ResponseTemplate::new(status).set_body_raw("<html>x</html>", "text/html")).await;
        assert!(err.hint().is_none(), "{status}: {err}");
    }
}
