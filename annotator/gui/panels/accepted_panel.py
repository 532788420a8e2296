"""View -> Progress: how many documents are accepted, by you and as team gold. A panel that
only subscribes to the Project (the proof that a new view needs no hook in any writer)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from annotator.core.team.gold import GoldSummary
from annotator.core.wording import count
from annotator.gui.project import Project


class AcceptedPanel(QWidget):
    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("acceptedPanel")
        self.project = project
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addStretch(1)
        for signal in (project.opened, project.decisionSaved, project.documentsAdded, project.annotatorChanged,
                       project.teamWorkChanged, project.reviewSaved, project.disputedChanged):
            signal.connect(self.refresh)

    def showEvent(self, event: object) -> None:  # noqa: N802 - Qt override
        self.refresh()
        super().showEvent(event)

    def refresh(self, *_args: object) -> None:
        if not self.isVisible():
            return  # counted when shown: a hidden panel costs nothing per decision
        store, disputed = self.project.store, self.project.disputed()
        mine = store.queries.count_annotations(self.project.annotator, "accept")
        # The disputed set the Project keeps (core/team/gold.py's rule), not a scan of every document.
        gold = GoldSummary(reviewed=len(store.queries.reviewed_document_ids()),
                           unanimous=store.gold.count_accepted_unreviewed() - len(disputed), disputed=sorted(disputed))
        self.label.setText(f"<b>{count(mine, 'document')}</b> accepted by {self.project.annotator}<br>"
                           f"<b>{count(gold.gold, 'document')}</b> with team gold "
                           f"({gold.reviewed:,} reviewed, {gold.unanimous:,} unanimous)<br>"
                           f"<b>{len(gold.disputed or []):,}</b> disputed, of "
                           f"{count(store.documents.count_documents(), 'document')}")
