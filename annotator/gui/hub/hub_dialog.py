"""File -> Team hub...: connect the window to the team's PostgreSQL hub (hub_sync.py syncs).

The annotator is the window's (File -> Annotator name): a hub name is a PostgreSQL role.
Nothing here touches the network: the URL and the name are checked as a sync would check
them (core.hub.sync.check_target), and the first background sync says whether the hub
answers. The password is kept in memory, or in the OS keyring when "remember" is ticked
(once a sync worked); never in the project file or the settings.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget,
)

from annotator.core.errors import AnnotatorError
from annotator.core.settings import HUB_URL, settings
from annotator.gui.hub.hub_sync import HubSync
from annotator.gui.access import fill_in

URL_HINT = "postgresql://NAME@HOST:5432/DATABASE"


class HubDialog(QDialog):
    """Fields url_edit, password_edit, remember; connect_hub() / disconnect_hub() / give_back() act (tests
    call them as the buttons do)."""

    def __init__(self, hub: HubSync, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hub = hub
        self.setWindowTitle("Team hub")
        annotator = hub.project.annotator
        self.url_edit = QLineEdit(hub.url or settings(hub.project.store).get(HUB_URL) or "")
        self.url_edit.setPlaceholderText(URL_HINT.replace("NAME", annotator))
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText("empty: the OS keyring, ~/.pgpass or PGPASSWORD")
        self.remember = QCheckBox("Remember the password in the OS keyring")
        self.error = QLabel()
        self.error.setObjectName("hubError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020")
        self.error.hide()
        intro = QLabel(f"Sync this project with the team's PostgreSQL hub as <b>{annotator}</b> "
                       "(your hub name is your PostgreSQL role; change it with File → Annotator "
                       "name). Syncs run in the background every minute and after your decisions; "
                       "you keep working when the hub is offline.")
        intro.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Hub URL:", self.url_edit)
        form.addRow("Password:", self.password_edit)
        form.addRow("", self.remember)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.connect_button = buttons.addButton("Connect", QDialogButtonBox.ButtonRole.AcceptRole)
        self.disconnect_button = buttons.addButton("Disconnect", QDialogButtonBox.ButtonRole.DestructiveRole)
        self.disconnect_button.setVisible(hub.connected)
        self.give_back_button = buttons.addButton("Give back my documents and disconnect",
                                                  QDialogButtonBox.ButtonRole.DestructiveRole)
        self.give_back_button.setToolTip("Send your work, return the documents assigned to you and not "
                                         "yet decided to the team's queue, then stop syncing")
        self.give_back_button.setVisible(hub.connected)
        self.give_back_button.clicked.connect(self.give_back)
        self.connect_button.clicked.connect(self.connect_hub)
        self.disconnect_button.clicked.connect(self.disconnect_hub)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        if hub.connected:
            layout.addWidget(QLabel(hub.text()))
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        fill_in(self)  # accessible names and descriptions (gui/access.py)
        self.resize(520, self.sizeHint().height())

    def connect_hub(self) -> bool:
        """Start syncing; a URL or name the hub would refuse is said here, and the dialog stays."""
        url = self.url_edit.text().strip()
        if not url:
            return self._refuse(f"Give the hub's URL, e.g. {URL_HINT}")
        try:
            self.hub.connect_to(url, self.password_edit.text() or None, self.remember.isChecked())
        except AnnotatorError as exc:
            return self._refuse(str(exc))
        self.accept()
        return True

    def disconnect_hub(self) -> None:
        self.hub.disconnect_hub()
        self.accept()

    def give_back(self) -> None:
        self.hub.give_back_and_disconnect()
        self.accept()

    def _refuse(self, message: str) -> bool:
        self.error.setText(message)
        self.error.show()
        self._fit_height()
        return False

    def _fit_height(self) -> None:
        """Grow to show the error in full: the layout would squash the fields instead."""
        layout = self.layout()
        layout.activate()
        need = layout.totalHeightForWidth(self.width()) if layout.hasHeightForWidth() else self.sizeHint().height()
        if self.height() < need:
            self.resize(self.width(), need)


def ask_hub(parent: QWidget, hub: HubSync) -> HubDialog:
    dialog = HubDialog(hub, parent)
    dialog.exec()
    return dialog
