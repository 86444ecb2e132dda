"""click, made to speak the UI language properly: help laid out by display width, metavars and prompts from
the catalogue.

click measures help columns with len(), so a Chinese character (two terminal cells) counts as one and the
columns drift; its TextWrapper also only breaks at spaces, which Chinese has none of. Text that is all
narrow goes through click's own code unchanged, so English help reads exactly as before.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence

import click
from click.formatting import wrap_text
from click.utils import make_default_short_help

from phrasebook import i18n
from phrasebook.i18n import t

# A line may not start with closing punctuation, nor end with opening punctuation (Chinese line breaking).
NO_START = set("，。、；：！？）》」』】〕…—,.;:!?)]}%")
NO_END = set("（《「『【〔([{")
_TOKEN = re.compile(r"\s+|[^\s\u1100-\uffff]+|.", re.S)


def char_width(ch: str) -> int:
    """Terminal cells of one character: 2 for wide/full-width (CJK), 0 for combining marks, else 1."""
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


def width(text: str) -> int:
    """Terminal cells of a string (ANSI styling is not used in help text)."""
    return sum(char_width(ch) for ch in text)


def _tokens(text: str) -> list[str]:
    """Spaces, narrow words and single wide characters, with punctuation glued to the side it belongs to."""
    out: list[str] = []
    glue_next = False
    for tok in _TOKEN.findall(text):
        if out and not tok.isspace() and (glue_next or tok[0] in NO_START):
            out[-1] += tok
        else:
            out.append(tok)
        glue_next = not tok.isspace() and tok[-1] in NO_END
    return out


def _split_long(token: str, room: int) -> tuple[str, str]:
    """The longest head of `token` that fits in `room` cells (at least one character) and the rest."""
    used = 0
    for i, ch in enumerate(token):
        used += char_width(ch)
        if used > room and i:
            return token[:i], token[i:]
    return token, ""


def fill(text: str, limit: int, initial_indent: str = "", subsequent_indent: str = "") -> str:
    """One paragraph filled to `limit` cells, breaking between Chinese characters as well as at spaces (spaces
    inside a line are kept as written, like click's "help  [default: …]")."""
    lines: list[str] = []
    line, used = initial_indent, width(initial_indent)
    base, space = used, ""
    for tok in _tokens(text.replace("\n", " ")):
        if tok.isspace():
            space = tok if used > base else ""
            continue
        if used + len(space) + width(tok) > limit and used > base:
            lines.append(line)
            line, used = subsequent_indent, width(subsequent_indent)
            base, space = used, ""
        line, used, space = line + space, used + len(space), ""
        while used + width(tok) > limit:
            head, tok = _split_long(tok, max(limit - used, 1))
            lines.append(line + head)
            line, used = subsequent_indent, width(subsequent_indent)
            base = used
        line, used = line + tok, used + width(tok)
    if used > base or not lines:
        lines.append(line)
    return "\n".join(lines)


def wrap(text: str, limit: int, initial_indent: str = "", subsequent_indent: str = "",
         preserve_paragraphs: bool = False) -> str:
    """click's wrap_text for narrow text; display-width filling, paragraph by paragraph, for the rest."""
    if width(text) == len(text):
        return wrap_text(text, limit, initial_indent, subsequent_indent, preserve_paragraphs)
    if not preserve_paragraphs:
        return fill(text, limit, initial_indent, subsequent_indent)
    return "\n\n".join(fill(p, limit, initial_indent, subsequent_indent) for p in re.split(r"\n\s*\n", text))


def short_help(text: str, limit: int) -> str:
    """The command list's one line: the longest run of whole clauses that fits in `limit` cells (never cut
    inside brackets), else the text cut with "..."."""
    if width(text) == len(text):
        return make_default_short_help(text, limit)
    text = " ".join(re.split(r"\n\s*\n", text)[0].split())
    if width(text) <= limit:
        return text
    best = ""
    for match in re.finditer(r"[。；，：（]", text):
        head = text[:match.start()]
        if width(head) > limit - 3:
            break
        if head.count("（") == head.count("）"):
            best = head
    if width(best) < limit // 2:
        best, _ = _split_long(text, limit - 3)
    return best.rstrip() + "..."


class HelpFormatter(click.HelpFormatter):
    """click's layout, measured in terminal cells: the second column starts at the same cell on every row."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        if prefix is None:
            label = i18n.click_text("Usage:")
            prefix = label if char_width(label[-1]) == 2 else label + " "
        usage_prefix = f"{prefix:>{self.current_indent}}{prog} "
        text_width = self.width - self.current_indent
        if text_width >= width(usage_prefix) + 20:
            self.write(wrap(args, text_width, usage_prefix, " " * width(usage_prefix)))
        else:
            indent = " " * (max(self.current_indent, width(prefix)) + 4)
            self.write(f"{usage_prefix}\n{wrap(args, text_width, indent, indent)}")
        self.write("\n")

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{t('cli.heading', heading=heading)}\n")

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        self.write(wrap(text, self.width, indent, indent, preserve_paragraphs=True) + "\n")

    def write_dl(self, rows: Sequence[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        rows = list(rows)
        first_col = min(max((width(first) for first, _ in rows), default=0), col_max) + col_spacing
        pad = first_col + self.current_indent
        for first, second in rows:
            self.write(f"{'':>{self.current_indent}}{first}")
            if not second:
                self.write("\n")
                continue
            if width(first) <= first_col - col_spacing:
                self.write(" " * (first_col - width(first)))
            else:
                self.write("\n" + " " * pad)
            lines = wrap(second, max(self.width - first_col - 2, 10), preserve_paragraphs=True).splitlines() or [""]
            self.write("\n".join([lines[0], *(f"{'':>{pad}}{line}" for line in lines[1:])]) + "\n")


class Context(click.Context):
    formatter_class = HelpFormatter


def localise_metavar(text: str) -> str:
    """PATH → 路径, [FILES]... → [文件]...: each upper-case word through the catalogue's cli.metavar table."""
    table = {k.removeprefix("cli.metavar."): v for k, v in i18n.catalogue(i18n.current()).items()
             if k.startswith("cli.metavar.")}
    if text in table:
        return table[text]
    return re.sub(r"\b[A-Z][A-Z_]*\b", lambda m: table.get(m.group(), m.group()), text)


def _localise(command: click.Command) -> None:
    """Fix every parameter's metavar in the UI language (choices and flags keep theirs)."""
    command.options_metavar = localise_metavar(command.options_metavar or "")
    for param in command.params:
        if isinstance(param.type, click.Choice) or getattr(param, "is_flag", False) or getattr(param, "count", 0):
            continue
        param.metavar = localise_metavar(param.make_metavar())


class MissingParameter(click.MissingParameter):
    """click ends "Missing argument 'X'" with an ASCII full stop of its own; Chinese text ends in 。."""

    def format_message(self) -> str:
        text = super().format_message()
        return re.sub(r"(?<=['\"])\.(?= |$)", t("cli.full_stop"), text) if t("cli.full_stop") != "." else text


def _parse_args(parse: Callable[[click.Context, list[str]], list[str]], ctx: click.Context,
                args: list[str]) -> list[str]:
    try:
        return parse(ctx, args)
    except click.MissingParameter as err:
        raise MissingParameter(err.message, ctx=err.ctx, param=err.param, param_hint=err.param_hint,
                               param_type=err.param_type) from None


class Command(click.Command):
    """A click command whose help, metavars and usage speak the UI language."""

    context_class = Context

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return _parse_args(super().parse_args, ctx, args)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _localise(self)

    def get_short_help_str(self, limit: int = 45) -> str:
        return short_help(self.short_help or self.help or "", limit).strip()


class Group(click.Group):
    """A click group like Command; its subcommands and subgroups are made of these classes too."""

    context_class = Context
    command_class = Command
    group_class = type  # subgroups: the same class as their parent

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _localise(self)
        self.subcommand_metavar = localise_metavar(self.subcommand_metavar or "")

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return _parse_args(super().parse_args, ctx, args)

    get_short_help_str = Command.get_short_help_str


def _yes_no(answer: str, default: bool) -> bool:
    words = {lang: (set(i18n.catalogue(lang)["cli.confirm.yes"].split()), set(i18n.catalogue(lang)["cli.confirm.no"]
             .split())) for lang in i18n.LANGUAGES}
    answer = answer.strip().lower()
    if not answer:
        return default
    if any(answer in yes for yes, _ in words.values()):
        return True
    if any(answer in no for _, no in words.values()):
        return False
    raise click.UsageError(t("cli.confirm.invalid"))


def confirm(text: str, *, default: bool = False) -> bool:
    """Yes or no in the UI language; y/n always work, and so do 是/否. End of input or Ctrl+C aborts."""
    suffix = t("cli.confirm.suffix_yes" if default else "cli.confirm.suffix_no")
    return click.prompt(text, default="", show_default=False, prompt_suffix=suffix,
                        value_proc=lambda answer: _yes_no(answer, default))


def prompt(text: str, **kwargs) -> str:
    """click.prompt with the UI language's suffix (a full-width colon in Chinese)."""
    return click.prompt(text, prompt_suffix=t("cli.prompt_suffix"), **kwargs)



MAX_ID = 2**63 - 1  # SQLite's INTEGER: a larger id cannot even be looked up
ID = click.IntRange(1, MAX_ID)


class IdOrTitle(click.ParamType):
    """An exam by id or by title: digits (full-width too, or with a sign) are an id and must be one SQLite holds."""

    name = "text"

    def convert(self, value, param, ctx):
        if isinstance(value, int):
            return ID.convert(value, param, ctx)
        text = unicodedata.normalize("NFKC", value).strip()
        if text.lstrip("+-").isdigit():
            return ID.convert(text, param, ctx)
        return value
