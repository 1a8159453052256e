"""What dbt puts in a model's Jinja context, as sqlfluff's jinja templater needs it to render the
models the way `dbt parse` does (`execute` false: no query runs, no variable is required).

sqlfluff takes every top-level name here into the context (`library_path` in .sqlfluff). Only
what the project's models and macros use is here; `adapter.dispatch` picks the `duckdb__`
implementation, else `default__`, the dialect sqlfluff lints.
"""

import datetime as _datetime
import re as _re
from types import SimpleNamespace as _Namespace

from jinja2 import pass_context as _pass_context

execute = False


@_pass_context
def _dispatch(context, name, macro_namespace=None):
    for prefix in ("duckdb__", "default__"):
        macro = context.get(prefix + name)
        if macro is not None:
            return macro
    raise LookupError(f"adapter.dispatch: no duckdb__{name} nor default__{name} macro")


class _CompilerError(Exception):
    pass


def _raise_compiler_error(message):
    raise _CompilerError(message)


adapter = _Namespace(dispatch=_dispatch)
exceptions = _Namespace(raise_compiler_error=_raise_compiler_error)
modules = _Namespace(re=_re, datetime=_datetime)
target = _Namespace(type="duckdb", name="duckdb", schema="main")
graph = _Namespace(nodes={}, sources={})


def var(name, default=None):
    return default


def env_var(name, default=None):
    return default if default is not None else f"${name}"


def is_incremental():
    return False


def log(message, info=False):
    return ""


def run_query(sql):
    return None


# dbt's cross-database macros the models call, as dbt-duckdb renders them
dbt = _Namespace(type_string=lambda: "varchar")
