//! The naming rule (issue 26, part 3): request and model names are namespaced
//! by their platform module, without platform prefixes
//! (`ali1688::OrderCreateRequest`, `poizon::OrderCreateRequest`), as AWS's
//! `operation::x::XInput`; a name a user imports from two modules used
//! together (`callbacks` and `tracking`, `retry` and `tracking`, a platform
//! and `callbacks`) belongs to one type only. See ARCHITECTURE.md, "Naming".

use std::any::TypeId;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

fn same<A: 'static, B: 'static>() -> bool {
    TypeId::of::<A>() == TypeId::of::<B>()
}

/// Modules whose request and model names are namespaced by the module: the
/// same name in two of them is two platforms' versions of one operation.
const PLATFORM_MODULES: &[&str] = &[
    "taobao",
    "ali1688",
    "aftersale",
    "intl",
    "poizon",
    "bigmajor",
    "basics",
    "logistics",
];

#[test]
fn platform_requests_are_namespaced_by_module() {
    use xportcn::{ali1688, bigmajor, intl, poizon, taobao};

    let _ = ali1688::OrderDetailRequest::new("1");
    let _ = taobao::OrderDetailRequest::builder().build();
    let _ = bigmajor::OrderDetailRequest::builder().build();
    let _ = intl::OrderCreateRequest::builder().build();
    let _ = poizon::OrderCreateRequest::builder().build();
    // Same name, one type per platform.
    assert!(!same::<
        ali1688::OrderCreateRequest,
        bigmajor::OrderCreateRequest,
    >());
    assert!(!same::<intl::OrderCreateRequest, poizon::OrderCreateRequest>());
    assert!(!same::<
        ali1688::OrderDetailRequest,
        taobao::OrderDetailRequest,
    >());
    assert!(!same::<ali1688::ProductDetail, bigmajor::ProductDetail>());
    // The Taobao purchase order's receiver is not the push receiver.
    let _: Option<taobao::PurchaseReceiver> = None;
}

#[test]
fn one_platform_enum_for_pushes_and_tracking() {
    assert!(same::<
        xportcn::callbacks::Platform,
        xportcn::tracking::Platform,
    >());
    assert!(same::<xportcn::callbacks::Platform, xportcn::types::Platform>());

    // A push's platform keys a tracked order as is.
    let push = r#"{"messageType":"ORDER_CREATE","messagePlatform":1,"messageBody":{"orderId":"7","orderStatus":"WAITING_FOR_PAYMENT"}}"#;
    let message = xportcn::callbacks::Message::from_json(push).expect("a documented push");
    let key = xportcn::tracking::OrderKey::new(message.platform(), "7");
    assert_eq!(key.platform, xportcn::tracking::Platform::Ali1688);
    assert_eq!(key.to_string(), "1688:7");

    // Server-fed: an unknown code is kept, and survives a store round trip.
    use xportcn::types::Platform;
    let unknown = Platform::from_code(9);
    assert_eq!(unknown, Platform::Unknown(9));
    let stored = serde_json::to_string(&xportcn::tracking::OrderKey::new(unknown, "1")).unwrap();
    let back: xportcn::tracking::OrderKey = serde_json::from_str(&stored).unwrap();
    assert_eq!(back.platform, unknown);
    for p in [Platform::Taobao, Platform::Ali1688, Platform::Unspecified] {
        assert_eq!(Platform::from_name(&p.name()), Some(p));
    }
    assert_eq!(Platform::from_name("platform-x"), None);
}

#[test]
fn an_order_line_sku_info_is_its_own_type() {
    // `ali1688::SkuInfo` is the type of `ProductItem::sku_infos`; the
    // product's SKU attribute is `ali1688::SkuAttribute` (before, a glob
    // re-export let the product type shadow the order line's).
    let item: xportcn::ali1688::ProductItem =
        serde_json::from_str(r#"{"skuInfos":[{"name":"颜色","value":"白色"}]}"#).unwrap();
    let infos: &Vec<xportcn::ali1688::SkuInfo> = &item.sku_infos;
    assert_eq!(infos[0].name.as_deref(), Some("颜色"));
    assert!(!same::<
        xportcn::ali1688::SkuInfo,
        xportcn::ali1688::SkuAttribute,
    >());
    assert!(same::<
        xportcn::ali1688::SkuInfo,
        xportcn::callbacks::Ali1688SkuInfo,
    >());
}

/// Public item names (`pub struct|enum|trait|type|fn|const`) per module of
/// `src/`, read from the source (test modules excluded).
fn public_names() -> BTreeMap<String, BTreeSet<String>> {
    fn walk(dir: &Path, root: &Path, out: &mut BTreeMap<String, BTreeSet<String>>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().flatten().collect();
        entries.sort_by_key(|e| e.path());
        for entry in entries {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, root, out);
                continue;
            }
            if path.extension().and_then(|e| e.to_str()) != Some("rs") {
                continue;
            }
            let rel = path.strip_prefix(root).unwrap().with_extension("");
            let mut module: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if module.last().is_some_and(|m| m == "mod" || m == "lib") {
                module.pop();
            }
            let module = module.join("::");
            let text = std::fs::read_to_string(&path).unwrap();
            for line in text.lines() {
                if line.starts_with("#[cfg(test)]") || line.starts_with("mod tests") {
                    break;
                }
                let trimmed = line.trim_start();
                let indented = trimmed.len() != line.len();
                let Some(rest) = trimmed.strip_prefix("pub ") else {
                    continue;
                };
                let rest = rest
                    .trim_start_matches("async ")
                    .trim_start_matches("const fn ");
                let (kind, name) = match rest.split_once(' ') {
                    Some(pair) => pair,
                    None => continue,
                };
                // Functions and constants only at module level (not methods).
                let item = match kind {
                    "struct" | "enum" | "trait" | "type" => true,
                    "fn" | "const" | "static" => !indented,
                    _ => false,
                };
                if !item {
                    continue;
                }
                let name: String = name
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                out.entry(name).or_default().insert(module.clone());
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = BTreeMap::new();
    walk(&root, &root, &mut out);
    out
}

fn top(module: &str) -> &str {
    module.split("::").next().unwrap_or(module)
}

#[test]
fn no_name_is_shared_outside_the_platform_namespaces() {
    let mut clashes = Vec::new();
    for (name, modules) in public_names() {
        let tops: BTreeSet<&str> = modules.iter().map(|m| top(m)).collect();
        // Several modules of one platform, or a platform and a non-platform
        // module, sharing a name is a clash; distinct platforms are not.
        let namespaced =
            tops.len() == modules.len() && tops.iter().all(|t| PLATFORM_MODULES.contains(t));
        if modules.len() > 1 && !namespaced {
            clashes.push(format!("{name}: {modules:?}"));
        }
    }
    assert!(
        clashes.is_empty(),
        "names shared across modules: {clashes:#?}"
    );
}

#[test]
fn no_platform_prefix_on_a_platform_module_name_and_no_deprecated_alias() {
    const PREFIXES: &[&str] = &["Ali1688", "Taobao", "Intl", "Poizon", "BigMajor", "Ka"];
    let mut prefixed = Vec::new();
    for (name, modules) in public_names() {
        for module in &modules {
            let platform = PLATFORM_MODULES.contains(&top(module));
            let handle =
                ["Ali1688", "Taobao", "Poizon", "BigMajor", "AlibabaIntl"].contains(&name.as_str());
            let starts = PREFIXES.iter().any(|p| {
                name.strip_prefix(p)
                    .and_then(|r| r.chars().next())
                    .is_some_and(char::is_uppercase)
            });
            if platform && starts && !handle {
                prefixed.push(format!("{module}::{name}"));
            }
        }
    }
    assert!(
        prefixed.is_empty(),
        "platform-prefixed names in platform modules: {prefixed:?}"
    );

    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut stack = vec![root];
    let mut deprecated = Vec::new();
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if std::fs::read_to_string(&path).is_ok_and(|t| t.contains("#[deprecated")) {
                deprecated.push(path.display().to_string());
            }
        }
    }
    assert!(
        deprecated.is_empty(),
        "deprecated items in src/: {deprecated:?}"
    );
}

#[test]
fn one_delivery_address_for_the_cart_and_the_key_account_orders() {
    use xportcn::ali1688::DeliveryAddress;
    // The cart's and the key-account order's `addressParam` are one type.
    fn cart(r: xportcn::ali1688::CartPreviewOrderRequest) -> DeliveryAddress {
        r.address_param
    }
    fn ka(r: xportcn::bigmajor::OrderPreviewRequest) -> DeliveryAddress {
        r.address_param
    }
    let _ = (cart, ka);
    // Same wire shape as before: camelCase, absent fields left out.
    let a = DeliveryAddress::builder()
        .full_name("Zhang San")
        .city_text("崇左市")
        .build();
    assert_eq!(
        serde_json::to_value(&a).unwrap(),
        serde_json::json!({"fullName": "Zhang San", "cityText": "崇左市"})
    );
}
