//! Path overrides without a rebuild (issue 27, part 3): the file named by
//! `XPORTCN_PATH_OVERRIDES`, the builder's file and `override_path`, their
//! precedence, the readiness report's sources, build-time validation, and
//! the sandbox serving the file's paths.
//!
//! One test function: it sets the process environment, which every other
//! client build in this binary would read (tests run in parallel threads).

use std::path::Path;

use xportcn::endpoint::{self, Generation};
use xportcn::overrides::{ENV_VAR, OverrideErrorKind, OverrideSource};
use xportcn::readiness::Basis;
use xportcn::{Client, Credentials, Error};
use xportcn_sandbox::Sandbox;

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn builder() -> xportcn::ClientBuilder {
    Client::builder()
        .credentials(Credentials::new("k", "s", "u"))
        .base_url("http://127.0.0.1:9")
}

#[tokio::test]
async fn precedence_sources_validation_and_the_sandbox() {
    let dir = tempfile::tempdir().unwrap();
    let env_file = write(
        dir.path(),
        "env.toml",
        "[v1]\n\"TB-O12\" = \"/env/pay\"\n\"TB-O14\" = \"/env/detail\"\n\"TB-A7\" = \"/env/refund/submit\"\n\n[v2]\n\"TB-O12\" = \"/env2/pay\"\n",
    );
    let builder_file = write(
        dir.path(),
        "builder.toml",
        "[v1]\n\"TB-O12\" = \"/file/pay\"\n\"TB-O14\" = \"/file/detail\"\n",
    );
    // SAFETY: the only test of this binary; no other thread reads the
    // environment while it is set.
    unsafe { std::env::set_var(ENV_VAR, &env_file) };

    // override_path > builder file > environment file.
    let all = builder()
        .override_path("TB-O12", "/code/pay")
        .path_overrides_file(&builder_file);
    let report = all
        .readiness(&["TB-O12", "TB-O14", "TB-A7", "TB-O8"])
        .unwrap();
    let line = |id: &str| report.endpoint(id).unwrap().clone();
    assert_eq!(line("TB-O12").path.as_deref(), Some("/code/pay"));
    assert_eq!(
        line("TB-O12").overridden.unwrap().source,
        OverrideSource::Builder
    );
    assert_eq!(line("TB-O14").path.as_deref(), Some("/file/detail"));
    assert_eq!(
        line("TB-O14").overridden.unwrap().source,
        OverrideSource::BuilderFile(builder_file.clone())
    );
    assert_eq!(line("TB-A7").path.as_deref(), Some("/env/refund/submit"));
    assert_eq!(
        line("TB-A7").overridden.unwrap().source,
        OverrideSource::EnvFile(env_file.clone())
    );
    // A write made sendable by an override: the user's own evidence.
    assert!(line("TB-A7").write && line("TB-A7").sendable());
    assert_eq!(line("TB-A7").basis, Basis::Override);
    // Not overridden anywhere: still blocked.
    assert_eq!(line("TB-O8").basis, Basis::Unknown);
    assert!(!report.all_sendable());
    // The built client sends the same paths.
    let client = all.build().unwrap();
    let path = |c: &Client, id: &str| c.path_of(endpoint::find(id).unwrap()).map(str::to_owned);
    assert_eq!(path(&client, "TB-O12").as_deref(), Some("/code/pay"));
    assert_eq!(path(&client, "TB-O14").as_deref(), Some("/file/detail"));
    assert_eq!(
        path(&client, "TB-A7").as_deref(),
        Some("/env/refund/submit")
    );
    assert_eq!(client.readiness(&["TB-A7"]).unwrap(), {
        let r = builder().readiness(&["TB-A7"]).unwrap();
        assert_eq!(r.endpoints[0].basis, Basis::Override);
        r
    });

    // Tables are per generation; override_path is for every generation.
    let v2 = builder()
        .generation(Generation::V2)
        .path_overrides_file(&builder_file)
        .build()
        .unwrap();
    assert_eq!(path(&v2, "TB-O12").as_deref(), Some("/env2/pay"));
    assert_eq!(path(&v2, "TB-O14"), None);
    let v2_code = builder()
        .generation(Generation::V2)
        .override_path("TB-O12", "/code/pay")
        .build()
        .unwrap();
    assert_eq!(path(&v2_code, "TB-O12").as_deref(), Some("/code/pay"));

    // The environment file can be turned off.
    let off = builder().path_overrides_from_env(false).build().unwrap();
    assert_eq!(path(&off, "TB-A7"), None);
    assert!(!off.readiness(&["TB-A7"]).unwrap().all_sendable());

    // The sandbox serves the file's paths, and its default client (no
    // stand-ins) sends there: the override closes the gap end to end.
    let sandbox = Sandbox::start().await.unwrap();
    let sb = sandbox.client();
    assert_eq!(path(&sb, "TB-O14").as_deref(), Some("/env/detail"));
    let detail = sb
        .raw(xportcn::endpoint::Method::Get, "/env/detail")
        .query(&[("orderId", "1")])
        .send_value()
        .await;
    // Routed to TB-O14 (an unknown order: the flow's own refusal, not a 404).
    let record = sandbox.requests().pop().unwrap();
    assert_eq!(record.endpoint, Some("TB-O14"), "{record} {detail:?}");
    assert!(!record.stand_in);
    sandbox.shutdown().await;

    // A bad environment file fails every build, naming the file, the table
    // and the key.
    let bad = write(
        dir.path(),
        "bad.toml",
        "[v1]\n\"TB-O12\" = \"/open//pay\"\n",
    );
    unsafe { std::env::set_var(ENV_VAR, &bad) };
    let err = builder().build().unwrap_err();
    match &err {
        Error::PathOverride(e) => {
            assert_eq!(e.file.as_deref(), Some(bad.as_path()));
            assert_eq!(e.table.as_deref(), Some("v1"));
            assert_eq!(e.key.as_deref(), Some("TB-O12"));
            assert!(matches!(e.kind, OverrideErrorKind::BadPath { .. }));
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("bad.toml"), "{err}");
    assert!(Sandbox::start().await.is_err());
    // A missing file too.
    unsafe { std::env::set_var(ENV_VAR, dir.path().join("missing.toml")) };
    let err = builder().build().unwrap_err();
    assert!(err.to_string().contains("missing.toml"), "{err}");
    // Empty: no file.
    unsafe { std::env::set_var(ENV_VAR, "") };
    builder().build().unwrap();
    unsafe { std::env::remove_var(ENV_VAR) };

    // override_path is checked as strictly as a file.
    for bad in ["no-slash", "/a/../b", "/a?b=1", "/a b", "/a//b"] {
        let e = builder().override_path("TB-O12", bad).build().unwrap_err();
        assert!(
            matches!(&e, Error::Config(m) if m.contains("TB-O12")),
            "{bad}: {e}"
        );
    }
}
