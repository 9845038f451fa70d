"""Every sentence the journal says to a person, in English and Japanese, in one place.

`render(key, **params)` picks the language from `journal.settings.language()`.
"""

from datetime import datetime
from typing import Any

MESSAGES: dict[str, tuple[str, str]] = {
    # bad input (exit 2)
    "bad_duration": (
        "bad duration {value!r}: use a number and a unit, like 48h, 7d or 2w",
        "期間 {value!r} が読めません: 48h, 7d, 2w のように書いてください",
    ),
    "bad_when": (
        "bad time {value!r}: use 2026-11-24, 2026-11-24T18:30, now, yesterday, +3d or -2h",
        "日時 {value!r} が読めません: 2026-11-24, 2026-11-24T18:30, now, yesterday, +3d, -2h など",
    ),
    "ambiguous_when": (
        "time {value!r} does not exist or is ambiguous in your timezone: add an offset",
        "日時 {value!r} はこのタイムゾーンで存在しないか曖昧です: +09:00 のようにオフセットを付けてください",
    ),
    "bad_config": (
        "cannot read the config file {path}: {detail}",
        "設定ファイル {path} を読めません: {detail}",
    ),
    "when_range": (
        "time {value!r} is outside the supported dates ({low} to {high})",
        "日時 {value!r} は対応範囲（{low}〜{high}）の外です",
    ),
    "span_range": (
        "{value!r} is too long: at most {days} days",
        "{value!r} は長すぎます: 最大 {days} 日です",
    ),
    "config_unknown_key": (
        "unknown key {name} in the config file {path}",
        "設定ファイル {path} に不明なキー {name} があります",
    ),
    "config_bad_value": (
        "bad value for {name} in the config file {path}: expected {expected}",
        "設定ファイル {path} の {name} の値が不正です: {expected} を指定してください",
    ),
    "expect_text": ("text of at most {limit} characters", "{limit}文字以内の文字列"),
    "expect_integer": ("a whole number from {low} to {high}", "{low}〜{high} の整数"),
    "expect_bool": ("true or false", "true か false"),
    "expect_one_of": ("one of {choices}", "{choices} のいずれか"),
    "expect_anchors": (
        'a list of moments like ["payment"], from: {choices}',
        '["payment"] のような時点のリスト（使えるもの: {choices}）',
    ),
    "expect_time": ('a time of day like "23:59"', '"23:59" のような時刻'),
    "expect_date": ("a date from {low} to {high}", "{low}〜{high} の日付"),
    "expect_duration": (
        'a duration like "24h" (at most {days} days)',
        '"24h" のような期間（最大 {days} 日）',
    ),
    "expect_durations": (
        'a list of durations like ["24h", "3h"] (each at most {days} days)',
        '["24h", "3h"] のような期間のリスト（それぞれ最大 {days} 日）',
    ),
    "expect_table": ("a table ([section])", "テーブル（[セクション]）"),
    "bad_head": (
        "{value!r} is not a full hash: give the 64-character head that verify printed",
        "{value!r} は完全なハッシュではありません: verify が表示した64文字のヘッドを指定してください",
    ),
    "bad_argument": (
        "an argument is not valid UTF-8 text: {value}",
        "引数が正しい UTF-8 の文字列ではありません: {value}",
    ),
    "bad_timezone": ("unknown timezone {value!r}", "不明なタイムゾーン {value!r}"),
    "newer_event": (
        "this journal holds events of schema version {version}, newer than this program: upgrade trade-journal",
        "このジャーナルには新しい形式 (v{version}) のイベントがあります: trade-journal を更新してください",
    ),
    "not_a_journal": (
        "{path} is not a trade journal (not a SQLite file, corrupt, or another program's database)",
        "{path} はトレードジャーナルではありません（SQLite でない・壊れている・別のデータベース）",
    ),
    "db_read_only": (
        "{path} is read-only: cannot write to the journal",
        "{path} は読み取り専用です: 書き込めません",
    ),
    "db_busy": (
        "the journal {path} stayed busy (locked by another process); try again",
        "ジャーナル {path} が他のプロセスに使用中です。もう一度お試しください",
    ),
    "db_unusable": (
        "cannot use the journal {path}: {detail}",
        "ジャーナル {path} を使えません: {detail}",
    ),
    "db_is_directory": (
        "{path} is a directory, not a journal file",
        "{path} はディレクトリです（ジャーナルファイルではありません）",
    ),
    "empty_file": (
        "{path} is an empty file, not a journal: remove it or choose another --db",
        "{path} は空のファイルでジャーナルではありません: 削除するか別の --db を指定してください",
    ),
    "newer_journal": (
        "{path} was written by a newer trade-journal (schema {revision}); upgrade this program, the journal is left untouched",
        "{path} は新しい trade-journal で作成されました (スキーマ {revision})。プログラムを更新してください（ジャーナルは変更していません）",
    ),
    "bad_rule_override": (
        "bad rule override in the config file at {where}",
        "設定ファイルのルール上書きが不正です: {where}",
    ),
    "bad_setting": (
        "bad value in the config file at {where}: expected {expected}",
        "設定ファイルの {where} の値が不正です: {expected} を指定してください",
    ),
    "no_purchase_requests": (
        "{platform} has no purchase requests (購入申請): list without --request-required",
        "{platform} には購入申請の機能がありません: --request-required なしで出品してください",
    ),
    "bad_id": (
        "bad trade id {value!r}: use letters, digits, '-', '_' or '.', up to 40 characters",
        "取引ID {value!r} が不正です: 英数字と - _ . で40文字まで",
    ),
    "bad_platform": (
        "unknown platform {value!r}: choose one of {choices}",
        "不明なプラットフォーム {value!r}: {choices} から選んでください",
    ),
    "bad_yen": (
        "{what} must be a whole number of yen, not {value!r}",
        "{what} は円の整数で指定してください（{value!r} は不可）",
    ),
    "yen_range": (
        "{what} must be between ¥{low} and ¥{high:,}, not ¥{value:,}",
        "{what} は ¥{low}〜¥{high:,} の範囲です（¥{value:,} は不可）",
    ),
    "empty_text": ("{what} must not be empty", "{what} が空です"),
    "text_too_long": (
        "{what} is too long ({length} characters; at most {limit})",
        "{what} が長すぎます（{length}文字、上限 {limit}文字）",
    ),
    "control_chars": ("{what} contains control characters", "{what} に制御文字が含まれています"),
    "future_at": (
        "--at is in the future: record steps when they have happened",
        "--at が未来の日時です: 起きたことを記録してください",
    ),
    "id_taken": (
        "trade {trade} already exists: choose another --id",
        "取引 {trade} は既にあります: 別の --id を指定してください",
    ),
    "bundle_needs_two": (
        "a bundle needs at least two different trades",
        "おまとめには異なる2つ以上の取引が必要です",
    ),
    "unknown_seq": ("there is no event #{seq}", "イベント #{seq} はありません"),
    "unknown_trade": ("unknown trade {trade!r}", "取引 {trade!r} はありません"),
    "until_in_past": (
        "--until must be later than the step itself",
        "--until はその操作より後の日時にしてください",
    ),
    "conflict": (
        "another process kept changing this trade; try again",
        "他のプロセスがこの取引を更新中です。もう一度お試しください",
    ),
    "dedicated_needs_buyer": (
        "a dedicated listing needs --buyer",
        "専用出品には --buyer が必要です",
    ),
    "price_needs_change": ("give --price and/or --title", "--price か --title を指定してください"),
    "missing_option": ("missing option --{option}", "--{option} を指定してください"),
    "bad_choice": (
        "bad value {value!r} for {option}: choose one of {choices}",
        "{option} の値 {value!r} は不可: {choices} から選んでください",
    ),
    # refused by a trade rule (exit 1)
    "already_exists": (
        "{trade} is already open; it cannot be created twice",
        "{trade} は作成済みです",
    ),
    "before_creation": (
        "{trade}: {step} cannot happen before the trade began",
        "{trade}: 取引開始より前に {step} はできません",
    ),
    "trade_finished": (
        "{trade} is {state}: only messages and notes can be added now",
        "{trade} は {state} です: メッセージとメモのみ追加できます",
    ),
    "bad_step": (
        "{trade}: cannot record {step} while the trade is {state}",
        "{trade}: 状態 {state} では {step} を記録できません",
    ),
    "not_for_role": (
        "{trade}: {step} does not apply to a {role}'s trade",
        "{trade}: {step} は{role}側の取引には使えません",
    ),
    "out_of_order": (
        "{trade}: {step} cannot be earlier than the previous step ({last})",
        "{trade}: {step} は前の操作（{last}）より前にはできません",
    ),
    "no_request_option": (
        "{trade} was listed without --request-required: record `sold` instead of `request`",
        "{trade} は購入申請なしの出品です: request ではなく sold を記録してください",
    ),
    "platform_no_requests": (
        "{trade} is on {platform}, which has no purchase requests (its listings are without --request-required): record `sold` when someone buys",
        "{trade} は {platform} の取引で、購入申請の機能がありません（--request-required なしの出品です）: 購入されたら sold を記録してください",
    ),
    "request_required": (
        "{trade} needs a purchase request: record `request` and `approved` instead of `sold`",
        "{trade} は購入申請ありの出品です: sold ではなく request と approved を記録してください",
    ),
    "hold_in_past": (
        "{trade}: the hold must end after it is granted",
        "{trade}: 取り置きの期限は取り置き開始より後にしてください",
    ),
    "no_hold": ("{trade} has no hold to end", "{trade} に取り置きはありません"),
    "no_offer": (
        "{trade} has no open price offer to answer",
        "{trade} に回答待ちの値下げ交渉はありません",
    ),
    "bundle_platforms": (
        "a bundle must be on one platform, not {platforms}",
        "おまとめは同じプラットフォームの出品に限ります（{platforms}）",
    ),
    "void_void": (
        "#{seq} is itself a correction and cannot be voided",
        "#{seq} は取消イベントなので取り消せません",
    ),
    "void_creation": (
        "#{seq} ({type}) starts or merges a trade and cannot be voided: cancel or delist the trade instead",
        "#{seq}（{type}）は取引の作成・統合なので取り消せません: cancelled か delisted を使ってください",
    ),
    "already_voided": ("#{seq} is already voided", "#{seq} は取り消し済みです"),
    "void_breaks": (
        "voiding #{seq} would leave an impossible history: {why}",
        "#{seq} を取り消すと履歴が成り立ちません: {why}",
    ),
    # warnings (the step is recorded)
    "return_after_rating": (
        "warning: the buyer already rated receipt; the app no longer mediates, so agree on the return and refund between you",
        "注意: 購入者は受取評価済みです。事務局は仲介しないため、返品と返金は当事者間で合意してください",
    ),
    # output
    "voided": (
        "voided #{seq} (recorded as #{new})",
        "#{seq} を取り消しました（#{new} として記録）",
    ),
    "rebuilt": (
        "rebuilt the read models: {trades} trades from {events} events",
        "読み取りモデルを再構築しました: {events}件のイベントから{trades}件の取引",
    ),
    "nothing_upcoming": ("nothing due in this window", "期限の近いものはありません"),
    "no_trades": ("no trades", "取引はありません"),
    "personal_info": (
        "note: the buyer's name and address are now hidden; ask by message before {until} if you still need anything",
        "注意: 購入者の氏名・住所は非表示になりました。必要なことは {until} までにメッセージで確認してください",
    ),
    "internal": ("internal error: {detail}", "内部エラー: {detail}"),
    # reminders and the daemon
    "bad_reminder_kind": (
        "config [reminders]: unknown deadline kind {name!r} (known: default, {kinds})",
        "設定 [reminders]: 不明な期限の種類 {name!r}（使えるもの: default, {kinds}）",
    ),
    "bad_reminder_value": (
        'config [reminders] {name}: {value!r} is not a list of durations like ["24h", "3h", "0m"]',
        '設定 [reminders] {name}: {value!r} は ["24h", "3h", "0m"] のような期間のリストではありません',
    ),
    "bad_lateness": (
        'config [notifier] lateness: {value!r} is not a duration like "24h"',
        '設定 [notifier] lateness: {value!r} は "24h" のような期間ではありません',
    ),
    "bad_notifier": (
        "unknown notifier {value!r}: use desktop, command or console",
        "不明な通知方法 {value!r}: desktop, command, console のいずれかにしてください",
    ),
    "notifier_needs_command": (
        "the command notifier needs a program: --command PROGRAM or [notifier] command",
        "command 通知にはプログラムが必要です: --command PROGRAM か [notifier] command を指定してください",
    ),
    "notifier_command_missing": (
        "notifier program {program!r} not found or not executable",
        "通知プログラム {program!r} が見つからないか実行できません",
    ),
    "daemon_running": (
        "a journal daemon is already running for {path} (pid {pid})",
        "{path} のデーモンはすでに動いています (pid {pid})",
    ),
    "daemon_once": (
        "delivered {delivered} reminder(s), summarized {summarized}, failed {failed}",
        "リマインダー {delivered}件を通知、{summarized}件をまとめて通知、失敗 {failed}件",
    ),
    "daemon_installed": (
        "wrote {path}\nenable it with:\n  {command}",
        "{path} を書き込みました\n有効にするには:\n  {command}",
    ),
    "daemon_unsupported_os": (
        "installing as a service is supported on Linux (systemd) and macOS (launchd), not {system}",
        "サービスとしての登録は Linux (systemd) と macOS (launchd) のみ対応です（{system} は非対応）",
    ),
    "reminders_failed": (
        "{failed} reminder(s) could not be delivered; they stay pending",
        "{failed}件のリマインダーを通知できませんでした（未送信のまま残ります）",
    ),
    "reminders_unrecorded": (
        "{count} reminder(s) were delivered but could not be recorded in the journal ({path}); they may be delivered again",
        "{count}件のリマインダーは通知しましたがジャーナル ({path}) に記録できませんでした。再び通知される場合があります",
    ),
    "daemon_dry_run": (
        "dry run at {moment}: would deliver {delivered} reminder(s) and summarize {summarized}; nothing was sent or recorded",
        "ドライラン ({moment}): リマインダー {delivered}件を通知、{summarized}件をまとめて通知する予定です（何も送信・記録していません）",
    ),
    "would_send": ("would send: {line}", "送信予定: {line}"),
    "lock_unsafe": (
        "refusing the daemon lock file {path}: {detail} (remove it; it is recreated as a private file)",
        "デーモンのロックファイル {path} は使えません: {detail}（削除してください。非公開のファイルとして作り直されます）",
    ),
    "no_reminders": ("no reminders planned or sent", "予定・送信済みのリマインダーはありません"),
    "reminders_planned": ("planned:", "予定:"),
    "reminders_sent": ("sent:", "送信済み:"),
    "reminder_due": ("(due {due}, {left})", "（期限 {due}、{left}）"),
    "reminder_title": ("{trade} {title}", "{trade} {title}"),
    "reminder_body": (
        "{kind}: {todo} — due {due} ({left})",
        "{kind}: {todo} — 期限 {due}（{left}）",
    ),
    "reminder_late": ("[late by {late}] {body}", "[{late}遅れ] {body}"),
    "summary_title": ("trade-journal: more deadlines", "trade-journal: ほかの期限"),
    "summary_body": (
        "{count} more deadline(s) had reminders, missed while the daemon was off or too many at once: {items}",
        "ほかに{count}件の期限のリマインダーがあります（デーモン停止中に過ぎたもの、または同時に多数）: {items}",
    ),
    "kind_respond_request": ("purchase request", "購入申請"),
    "kind_payment": ("payment", "支払い"),
    "kind_ship": ("shipping", "発送"),
    "kind_payment_number": ("payment number", "支払い番号"),
    "kind_remove_winner": ("remove the winner", "落札者削除"),
    "kind_buyer_may_cancel": ("buyer may cancel", "購入者キャンセル可能"),
    "kind_auto_complete": ("auto-completion", "自動取引完了"),
    "kind_receipt_followup": ("receipt follow-up", "受取評価の催促"),
    "kind_rate": ("rating", "評価"),
    "kind_message_window": ("message window", "取引メッセージ"),
    "kind_proceeds": ("proceeds", "売上金"),
    "kind_hold_expiry": ("hold", "取り置き"),
    "kind_dedicated_expiry": ("dedicated listing", "専用出品"),
    "kind_confirmation_cleanup": ("confirmation listing", "確認用出品"),
    "kind_inspect": ("inspection", "検品"),
    "todo_respond_request": (
        "approve or decline the request before it auto-cancels",
        "自動キャンセルの前に承認か拒否をする",
    ),
    "todo_payment": (
        "check the payment; unpaid trades may be cancelled",
        "支払いを確認する（未払いはキャンセルされることがあります）",
    ),
    "todo_ship": ("ship and send the shipping notice", "発送して発送通知をする"),
    "todo_payment_number": (
        "the winner's payment number expires: if still unpaid, you may remove the winner",
        "支払い番号の期限です: 未払いなら落札者を削除できます",
    ),
    "todo_remove_winner": (
        "remove the unpaid winner before the fees are finalised, or the fee is charged",
        "利用料確定の前に未払いの落札者を削除する（削除しないと落札手数料がかかります）",
    ),
    "todo_buyer_may_cancel": (
        "not shipped yet: from now the buyer may cancel",
        "未発送です: ここから購入者がキャンセルできます",
    ),
    "todo_auto_complete": (
        "the app completes the trade: raise any problem before",
        "アプリが取引を完了します: 問題があればその前に連絡",
    ),
    "todo_receipt_followup": (
        "the buyer has not rated receipt: follow up",
        "受取評価がまだです: 受取確認を依頼する",
    ),
    "todo_rate": ("rate the other side", "相手を評価する"),
    "todo_message_window": (
        "the message box closes: ask for anything you still need",
        "メッセージが閉じます: 必要なことは今のうちに連絡",
    ),
    "todo_proceeds": ("claim or transfer your proceeds", "売上金を申請・チャージする"),
    "todo_hold_expiry": (
        "the hold ends: sell to anyone, or talk again",
        "取り置きが終わります: 他の人に販売するか、相手と相談",
    ),
    "todo_dedicated_expiry": (
        "the dedicated listing waited long enough: let it go",
        "専用出品の待ち期限です: 購入がなければ解除",
    ),
    "todo_confirmation_cleanup": (
        "delete the confirmation listing",
        "確認用出品を削除する",
    ),
    "todo_inspect": (
        "inspect the item and raise problems before rating",
        "評価の前に検品し、問題があれば連絡",
    ),
    # integrity, backup, export/import
    "verify_ok": (
        "the journal is intact: {events} events, chain head {head}",
        "ジャーナルは無傷です: {events}件のイベント、チェーン先頭 {head}",
    ),
    "verify_missing": (
        "the log is damaged: event #{seq} is missing ({detail})",
        "ログが損傷しています: イベント #{seq} がありません（{detail}）",
    ),
    "verify_broken_link": (
        "the log is damaged at event #{seq}: it does not follow the event before it (an event was removed or inserted)",
        "ログが損傷しています: イベント #{seq} が直前のイベントとつながりません（削除または挿入）",
    ),
    "verify_altered": (
        "the log is damaged at event #{seq}: its content does not match its hash (it was changed after it was written)",
        "ログが損傷しています: イベント #{seq} の内容がハッシュと一致しません（記録後に変更されています）",
    ),
    "verify_version_gap": (
        "the log is damaged at event #{seq}: trade versions are not contiguous ({detail})",
        "ログが損傷しています: イベント #{seq} で取引のバージョンが連続していません（{detail}）",
    ),
    "verify_newer_event": (
        "event #{seq} has payload schema {detail}, newer than this program: upgrade trade-journal",
        "イベント #{seq} の形式 (v{detail}) はこのプログラムより新しいです: trade-journal を更新してください",
    ),
    "verify_kept_head": (
        "the log's chain is consistent but does not contain the head {detail}: events before it were changed and the chain rebuilt, or this is another journal",
        "ログのチェーンは整合していますが、控えた先頭 {detail} を含みません: それ以前のイベントが変更されチェーンが作り直されたか、別のジャーナルです",
    ),
    "verify_checkpoint": (
        "the read models do not match the log ({detail}); the log may have lost events at its end. Compare with a backup before running `journal rebuild`",
        "読み取りモデルがログと一致しません（{detail}）。ログの末尾が失われた可能性があります。`journal rebuild` の前にバックアップと比べてください",
    ),
    "verify_read_models": (
        "the log is intact but the read models differ from it ({detail}): run `journal rebuild`",
        "ログは無傷ですが読み取りモデルが一致しません（{detail}）: `journal rebuild` を実行してください",
    ),
    "verify_replay": (
        "the log is intact but cannot be replayed: {detail}",
        "ログは無傷ですが再生できません: {detail}",
    ),
    "file_exists": (
        "{path} already exists: choose a new file name (nothing is overwritten)",
        "{path} は既にあります: 新しいファイル名を指定してください（上書きはしません）",
    ),
    "file_unusable": ("cannot use {path}: {detail}", "{path} を使えません: {detail}"),
    "file_unsafe": (
        "{path} is {why}: refused, nothing was written (choose a new file name)",
        "{path} は{why}のため使えません: 何も書き込んでいません（新しいファイル名を指定してください）",
    ),
    "journal_appeared": (
        "{path} was created by another command meanwhile: nothing was imported (import restores into a new or empty journal only)",
        "{path} は途中で別のコマンドが作成しました: 何も取り込んでいません（取り込みは新しいか空のジャーナルにのみ可能です）",
    ),
    "backup_done": (
        "backed up {events} events to {path} (chain head {head})",
        "{events}件のイベントを {path} にバックアップしました（チェーン先頭 {head}）",
    ),
    "backup_damaged": (
        "the backup copy does not verify (event #{seq}); it was removed. Run `journal verify`",
        "バックアップが検証できません（イベント #{seq}）。削除しました。`journal verify` を実行してください",
    ),
    "import_done": (
        "imported {events} events (chain head {head}); trades and deadlines rebuilt",
        "{events}件のイベントを取り込みました（チェーン先頭 {head}）。取引と期限を再構築しました",
    ),
    "import_not_empty": (
        "{path} already holds events: import restores into an empty journal only (use --db with a new file)",
        "{path} には既にイベントがあります: 取り込みは空のジャーナルにのみ可能です（--db で新しいファイルを指定）",
    ),
    "import_not_export": (
        "{path} is not a trade-journal export (made by `journal export --format jsonl`)",
        "{path} は trade-journal のエクスポートではありません（`journal export --format jsonl` で作成）",
    ),
    "import_newer": (
        "{path} is an export format {version} from a newer trade-journal: upgrade this program",
        "{path} は新しい trade-journal のエクスポート形式 {version} です: プログラムを更新してください",
    ),
    "import_damaged": (
        "{path} line {line}: {why}; nothing was imported",
        "{path} {line}行目: {why}。何も取り込んでいません",
    ),
    "import_truncated": (
        "{path} does not end where its header says (cut short or extended); nothing was imported",
        "{path} の内容がヘッダーと一致しません（途中で切れているか追記されています）。何も取り込んでいません",
    ),
    "import_replay": (
        "{path} verifies but its history cannot be replayed ({detail}); nothing was imported",
        "{path} は検証できましたが履歴を再生できません（{detail}）。何も取り込んでいません",
    ),
    "importing": ("importing", "取り込み中"),
    # `journal rules`
    "rules_rule": ("{kind}: {value}, counted from {anchor}", "{kind}: {value}（起点: {anchor}）"),
    "rules_effect": ("when it passes: {effect}", "過ぎると: {effect}"),
    "rules_note": ("note: {note}", "注: {note}"),
    "rules_since": ("in force since {date}", "{date} から適用"),
    "rules_off": ("off", "無効"),
    # the calendar file
    "calendar_name": ("Trade deadlines (trade-journal)", "取引の期限 (trade-journal)"),
    "calendar_summary": ("{kind} due: {trade} {title}", "{kind}期限: {trade} {title}"),
    "calendar_effect": ("When due: {effect}", "期限になると: {effect}"),
    "calendar_written": (
        "wrote {events} deadline(s) to {path}",
        "{path} に {events}件の期限を書き込みました",
    ),
    "calendar_unchanged": (
        "{path} is up to date ({events} deadline(s))",
        "{path} は最新です（{events}件の期限）",
    ),
    "no_journal": (
        "there is no journal at {path} (check --db or $JOURNAL_DB)",
        "{path} にジャーナルがありません（--db か $JOURNAL_DB を確認してください）",
    ),
    "db_read_only_place": (
        "{path} is in a read-only place (the journal keeps its write-ahead log beside it): copy it somewhere writable",
        "{path} は読み取り専用の場所にあります（ジャーナルは隣にログを書きます）: 書き込める場所にコピーしてください",
    ),
    # -- shared journals on a PostgreSQL server (journal.engines.postgres) --
    "db_unreachable": (
        "cannot reach the journal database {path}: {detail}",
        "ジャーナルのデータベース {path} に接続できません: {detail}",
    ),
    "db_login_refused": (
        "the journal database {path} refused the login: {detail}",
        "ジャーナルのデータベース {path} がログインを拒否しました: {detail}",
    ),
    "db_bad_url": (
        "{path} is not a usable PostgreSQL URL ({detail}): write postgresql://USER@HOST[:PORT]/DATABASE",
        "{path} は使える PostgreSQL の URL ではありません（{detail}）: postgresql://ユーザー@ホスト[:ポート]/データベース の形で指定してください",
    ),
    "leadership_lost": (
        "the daemon lost its connection to {path} and another daemon leads now: stopped",
        "デーモンは {path} への接続を失い、別のデーモンが担当になったため停止しました",
    ),
    "copy_not_empty": (
        "{path} already holds events: copy goes into an empty journal only",
        "{path} には既にイベントがあります: コピー先は空のジャーナルのみです",
    ),
    "copy_done": (
        "copied {events} events to {path} (head {head})",
        "{events} 件のイベントを {path} にコピーしました（先頭 {head}）",
    ),
}


def render(key: str, **params: Any) -> str:
    from journal.settings import language

    return render_in(language(), key, **params)


def render_in(lang: str, key: str, **params: Any) -> str:
    """`render` in a given language ("en" or "ja"), for output that is not for this session."""
    english, japanese = MESSAGES.get(key, (key, key))
    template = japanese if lang == "ja" else english
    shown = {k: _show(v) for k, v in params.items()}
    try:
        return template.format(**shown)
    except (KeyError, IndexError, ValueError):
        return f"{key}: {params}"


def _show(value: Any) -> Any:
    if isinstance(value, datetime):
        from journal.display import when

        try:
            return when(value)
        except Exception:  # noqa: BLE001 - a bad JOURNAL_TZ must not hide the real message
            return value.isoformat()
    return value
