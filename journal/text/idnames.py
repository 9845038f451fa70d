"""The Japanese name of each stable id (states, deadline statuses, steps, platforms, roles,
fields…): data only, so the message renderer may name ids without importing the labels
(which render deadline kinds through it)."""

STATES: dict[str, str] = {
    "listed": "出品中",
    "requested": "購入申請中",
    "awaiting_payment": "支払い待ち",
    "awaiting_shipment": "発送待ち",
    "shipped": "発送済み",
    "received": "受取済み",
    "completed": "取引完了",
    "cancelled": "キャンセル",
    "bundled": "おまとめ済み",
    "delisted": "出品取り下げ",
}

STATUSES: dict[str, str] = {
    "open": "受付中",
    "met": "済み",
    "missed": "期限切れ（未対応）",
    "done_by_app": "アプリが処理",
    "closed": "不要（取引終了）",
    "overdue": "期限超過",
    "planned": "予定",
    "unsent": "未送信",
}

# How a reminder went out, and through what (`journal reminders`).
HOW: dict[str, str] = {
    "on_time": "定刻",
    "late": "遅れて送信",
    "superseded": "次の通知に統合",
    "summary": "まとめて送信",
}

STEPS: dict[str, str] = {
    "listed": "出品",
    "bought": "購入",
    "request": "購入申請",
    "sold": "購入された",
    "approved": "承認",
    "declined": "申請を拒否",
    "request-expired": "申請の期限切れ",
    "payment-number": "支払い番号",
    "paid": "支払い",
    "shipped": "発送",
    "received": "受取",
    "rated": "評価",
    "completed": "取引完了",
    "delisted": "出品取り下げ",
    "cancelled": "キャンセル",
    "hold": "取り置き",
    "hold-ended": "取り置き終了",
    "item-taken": "同じ商品が別で売れた",
    "item-released": "同じ商品の別の取引が解除",
    "defect": "不備",
    "message": "取引メッセージ",
    "note": "メモ",
    "cost": "仕入れ値・経費",
    "return": "返品",
    "offer": "値下げ交渉",
    "offer-declined": "交渉を断った",
    "offer-accepted": "交渉に応じた",
    "price": "価格変更",
    "bundle": "おまとめ",
    "bundled": "おまとめ済み",
    "voided": "取り消し",
    "withdrawal": "売上金の振込申請",
    "proceeds-withdrawn": "売上金を引き出し済み",
    "attached": "証拠ファイルを添付",
}

PLATFORMS: dict[str, str] = {
    "rakuma": "ラクマ",
    "mercari": "メルカリ",
    "yahoo-auction": "ヤフオク",
    "yahoo-flea": "Yahoo!フリマ",
    "custom": "カスタム",
}

ROLES: dict[str, str] = {"seller": "出品者", "buyer": "購入者"}

# The fields of a step (`--title`, `--price`, …), as a refusal names them.
FIELDS: dict[str, str] = {
    "platform": "アプリ",
    "title": "タイトル",
    "price": "価格",
    "buyer": "購入者",
    "note": "メモ",
    "reason": "理由",
    "cost": "原価",
    "extra": "経費",
    "shipping": "送料",
    "carrier": "配送方法",
    "tracking": "追跡番号",
    "item": "商品キー",
    "amount": "金額",
    "fee": "手数料",
    "until": "期限",
    "ship_days": "発送までの日数",
    "kind": "出品の種類",
    "bank": "振込先",
}

# The moments a rule counts from (`counted_from`), and how sure each rule is.
ANCHORS: dict[str, str] = {
    "approval": "承認",
    "arrival": "到着",
    "bundling": "おまとめ",
    "cancellation": "キャンセル",
    "completion": "取引完了",
    "decline": "申請の拒否",
    "delisting": "出品取り下げ",
    "hold": "取り置き",
    "hold_end": "取り置き終了",
    "item_taken": "同じ商品の別の出品が売れた時",
    "listing": "出品",
    "our_rating": "こちらの評価",
    "payment": "支払い",
    "payment_number": "支払い番号の発行",
    "purchase": "購入",
    "receipt": "受取評価",
    "request": "購入申請",
    "shipping": "発送",
    "withdrawal": "振込申請",
}
CONFIDENCE: dict[str, str] = {
    "official": "公式",
    "several-sources": "複数の情報源",
    "single-source": "単一の情報源",
    "assumed": "推定（出典なし）",
    "custom": "独自設定",
}
