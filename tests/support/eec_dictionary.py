"""Read the element trees of the EEC data dictionaries in ``../shared/eec/*.md``.

The dictionaries restate the published structures line by line
(``- prefix:Name [mult] : type … — gloss``), with shared blocks written once
and referenced. This expands the references so a tree can be compared with
our XSD node by node.
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.support.xsd_tree import Node

_LINE = re.compile(r"^(?P<indent> *)- (?P<name>[a-z]+:[A-Za-z0-9]+|xs:any) \[(?P<mult>[0-9.*]+)\]")
_SB_REF = re.compile(r"(?:see shared block «|see \"SB )(?P<type>[a-z]+:[A-Za-z0-9]+)")
_SB_INLINE = re.compile(
    r"^(?P<indent> *)- \*\(extension of (?P<type>[a-z]+:[A-Za-z0-9]+): first all children"
)
_BLOCK_HEAD = re.compile(r"^### (?:«(?P<a>[a-z]+:[A-Za-z0-9]+)»|SB (?P<b>[a-z]+:[A-Za-z0-9]+))")


def _multiplicity(text: str) -> tuple[int, int | None]:
    low, _, high = text.partition("..")
    if not high:
        return int(low), int(low)
    return int(low), None if high == "*" else int(high)


class Dictionary:
    """One dictionary file: its element trees (by root element ``doc:X``) and its shared blocks."""

    def __init__(self, path: Path) -> None:
        self.blocks: dict[str, list[str]] = {}
        self.trees: dict[str, list[str]] = {}
        current: list[str] | None = None
        in_tree = False
        for line in path.read_text(encoding="utf-8").splitlines():
            head = _BLOCK_HEAD.match(line)
            if head:
                current, in_tree = [], False
                self.blocks[head.group("a") or head.group("b")] = current
            elif line.startswith("#"):
                in_tree = line.startswith("### ") and "Element tree" in line
                current = [] if in_tree else None
            elif current is not None and (_LINE.match(line) or _SB_INLINE.match(line)):
                current.append(line)
                if in_tree and line.startswith("- doc:"):
                    self.trees[_LINE.match(line).group("name")] = current

    def tree(self, root: str) -> Node:
        nodes = self._build(self.trees[root])
        assert len(nodes) == 1, f"{root}: expected one root line"
        return nodes[0]

    def _build(self, lines: list[str]) -> list[Node]:
        """Parse indented lines into nodes, expanding shared-block references."""
        top: list[Node] = []
        stack: list[tuple[int, Node]] = []
        for line in lines:
            inline = _SB_INLINE.match(line)
            indent = len((inline or _LINE.match(line)).group("indent"))
            while stack and stack[-1][0] >= indent:
                stack.pop()
            siblings = stack[-1][1].children if stack else top
            if inline:
                siblings.extend(self._build(self.blocks[inline.group("type")]))
                continue
            match = _LINE.match(line)
            low, high = _multiplicity(match.group("mult"))
            node = Node(match.group("name"), low, high)
            reference = _SB_REF.search(line)
            if reference:
                node.children = self._build(self.blocks[reference.group("type")])
            siblings.append(node)
            stack.append((indent, node))
        return top
