"""The unified registry of state registration certificates (Appendix 2, Table 1; Rules §6а, §7а, §15, §35).

``store``: certificates keyed by their normalised registration number (Table 1 item 3), every version
kept, the status check of §31з; ``importer``: registry dumps (Table 1 XML, CSV) in bulk; ``cli``: the
``sanmeasures registry`` commands.
"""
