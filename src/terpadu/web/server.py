"""The application object uvicorn imports (``terpadu.web.server:app``), from the settings.

The name word list of the spelling-tolerant search is read in the background as
the process starts, so the first misspelt query does not wait for it.
"""

from __future__ import annotations

import logging
import threading

from terpadu.web.app import create_app

app = create_app()


def _warm_vocabulary() -> None:
    try:
        app.state.terpadu.backend.vocabulary.words()
    except Exception:  # the first fuzzy search reads it instead
        logging.getLogger(__name__).warning("name word list not read at start", exc_info=True)


threading.Thread(target=_warm_vocabulary, name="name-vocabulary", daemon=True).start()
