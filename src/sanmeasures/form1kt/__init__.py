"""Form 1KT: the annual report of an authorized body on the sanitary protection of the customs territory
(Rules §7з, §31ж, §33, §44)."""
