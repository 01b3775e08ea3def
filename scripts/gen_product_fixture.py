#!/usr/bin/env python3
"""Generates benches/data/product-20kb.json from the documented TB-P8 sample.

Deterministic: grows skuList to 40 SKUs (colour x size, each with properties)
and the description to a realistic detail-HTML block, so the whole envelope is
about 20 KB. Run from the repository root:

    python3 scripts/gen_product_fixture.py > benches/data/product-20kb.json
"""
import json

with open("tests/fixtures/taobao-product-get.response.json", encoding="utf-8") as f:
    env = json.load(f)

data = env["data"]
colours = [(28326, "红色"), (28320, "白色"), (28341, "黑色"), (28338, "蓝色"),
           (28335, "绿色"), (28329, "粉红色"), (28332, "浅黄色"), (28340, "深灰色")]
sizes = [(3273546, "52cm"), (3273547, "59cm"), (3273548, "66cm"),
         (3273549, "73cm"), (3273550, "80cm")]
skus = []
n = 0
for cid, cname in colours:
    for sid, sname in sizes:
        n += 1
        skus.append({
            "picUrl": f"https://img.alicdn.com/bao/uploaded/i{n % 4 + 1}/263669477/O1CN01sku{n:04d}fH0cbf2JsW8fvHFwx_!!263669477.jpg",
            "quantity": 200 - n,
            "price": 1990 + 10 * (n % 5),
            "skuId": str(3452545926724 + n),
            "status": "active",
            "promotionPrice": str(1790 + 10 * (n % 5)),
            "postFee": 0 if n % 3 else 600,
            "mpSkuld": None,
            "properties": [
                {"valueId": cid, "valueName": cname, "propId": 1627207, "propName": "颜色分类"},
                {"valueId": sid, "valueName": sname, "propId": 122216343, "propName": "参考身高"},
            ],
        })
data["skuList"] = skus
data["picUrls"] = [
    f"https://img.alicdn.com/bao/uploaded/i{i % 4 + 1}/263669477/O1CN01main{i:02d}fH0cbf2JsW8fvHFwx_!!263669477.jpg"
    for i in range(5)
]
para = ('<p><img src="https://img.alicdn.com/imgextra/i{k}/263669477/O1CN01desc{k:02d}Xq9_!!263669477.jpg" '
        'align="absmiddle"/></p><p>纯棉面料，柔软亲肤，适合婴幼儿贴身穿着。Soft cotton, machine washable.</p>')
data["description"] = "".join(para.format(k=k) for k in range(16))
print(json.dumps(env, ensure_ascii=False, separators=(",", ":")))
