"""Nothing the pages load may come from the network: no CDN, no remote fonts or scripts."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REMOTE = re.compile(r"""(src|href)\s*=\s*["']?(https?:)?//""", re.IGNORECASE)
CSS_REMOTE = re.compile(r"""(@import|url\()\s*["']?(https?:)?//""", re.IGNORECASE)


def test_templates_and_static_files_reference_no_remote_asset():
    offenders = []
    for folder in (ROOT / "templates", ROOT / "static"):
        for path in folder.rglob("*"):
            if path.suffix in {".html", ".css", ".js"}:
                text = path.read_text(encoding="utf-8")
                if REMOTE.search(text) or CSS_REMOTE.search(text):
                    offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
    assert (ROOT / "static" / "css" / "registry.css").exists()
