"""National Language Support data and logic shared by kernel32 and the C runtimes: code pages
(`codepage`) and locale data (`locale`).  Pure Python, no guest memory: unit-tested directly."""
