"""`sqlsoul init`: a commented .sqlsoul.yaml with every option at its default."""

from __future__ import annotations

import io

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from sqlsoul.config import DEFAULT_PG_VERSION
from sqlsoul.registry import Registry


def _flow(items: list[str]) -> CommentedSeq:
    sequence = CommentedSeq(items)
    if len(items) <= 6:
        sequence.fa.set_flow_style()
    return sequence


def render_default_config(registry: Registry) -> str:
    config = CommentedMap()
    config["select"] = None
    config.yaml_set_comment_before_after_key(
        "select",
        before="sqlsoul configuration: https://github.com/sqlsoul/sqlsoul#configuration\n\n"
        "Rules to run: codes, names, categories or ALL. null means the rules that are on by default.",
    )
    config["ignore"] = _flow([])
    config.yaml_set_comment_before_after_key("ignore", before="\nRules to skip (ignore wins over select).")
    config["fail_on"] = "warning"
    config.yaml_set_comment_before_after_key("fail_on", before="\nLowest severity that fails the run: error, warning, note or never.")
    config["pg_version"] = DEFAULT_PG_VERSION
    config.yaml_set_comment_before_after_key("pg_version", before="\nThe PostgreSQL major version the migrations run on.")
    config["exclude"] = _flow([])
    config.yaml_set_comment_before_after_key("exclude", before="\nPath globs (relative to this file) that are never linted.")
    config["severity"] = CommentedMap()
    config.yaml_set_comment_before_after_key("severity", before="\nPer-rule severity, e.g. missing-foreign-key: error")
    config["per_path_ignores"] = CommentedMap()
    config.yaml_set_comment_before_after_key(
        "per_path_ignores", before="\nRules to skip under some paths, e.g. \"legacy/**\": [text-for-structured-data]"
    )
    history_keys = (
        ("history", _flow([]), "Folders replayed as one history, in this order (e.g. [db/init, db/migrations])."),
        ("base_schema", None, "A schema dump replayed before each history (squashed histories)."),
        ("lint_from", None, "Migrations before this version have run: replay them, report nothing in them."),
        ("layouts", CommentedMap(), "Force a folder's layout, e.g. db/scripts: plain (detected otherwise)."),
        ("assume_in_transaction", False, "Plain folders: the runner wraps each file in a transaction."),
        ("multi_statement", False, "golang-migrate's x-multi-statement: each statement runs on its own."),
        ("require_down", False, "Flyway: expect an undo (U) script for every migration."),
        ("ignore_unpaired", _flow([]), "Globs of files whose up or down lives elsewhere (written in code)."),
    )
    for key, default, comment in history_keys:
        config[key] = default
        config.yaml_set_comment_before_after_key(key, before="\n" + comment)
    options = CommentedMap()
    for rule in registry.rules.values():
        if rule.meta.options:
            options[rule.meta.name] = CommentedMap(
                (name, _flow(spec.default) if isinstance(spec.default, list) else spec.default)
                for name, spec in rule.meta.options.items()
            )
            options.yaml_set_comment_before_after_key(rule.meta.name, before=rule.meta.summary.strip(), indent=2)
    config["rules"] = options
    config.yaml_set_comment_before_after_key("rules", before="\nRule options (see 'sqlsoul explain RULE').")
    stream = io.StringIO()
    yaml = YAML(typ="rt")
    yaml.width = 120
    yaml.dump(config, stream)
    return stream.getvalue()
