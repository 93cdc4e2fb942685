"""Make the project importable when these tests run without the Django plugin (``-p no:django``).

pytest-django puts the project root on ``sys.path``; without it, and with no ``__init__.py`` in
``tests/analytics``, nothing does. The derivations need no Django, so these tests must not depend on it.
"""

import sys
from pathlib import Path

_PROJECT_ROOT = str(Path(__file__).resolve().parents[3])
if _PROJECT_ROOT not in sys.path:
    sys.path.insert(0, _PROJECT_ROOT)
