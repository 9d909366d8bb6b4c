"""tui: the terminal review of a restored article (Textual).

`run_review(path, analyse)` opens the app on a document: the article with the
proposed changes highlighted, one hunk at a time to accept, reject, replace by
an alternative or edit, then save beside it (story.restored.txt and story.txt.decisions.json).

    app.py        ReviewApp and run_review (reads input, runs the analysis)
    decisions.py  the pure review state: verdicts, undo, restored text, files
    messages.py   clicks sent from widgets up to the review screen
    screens/      analysing (progress), review, help, prompt, confirm_quit
    widgets/      article, hunk_panel, progress
"""

from tui.app import run_review

__all__ = ["run_review"]
