"""Routes of the `reports` blueprint."""

from flask import Blueprint

bp = Blueprint("reports", __name__)
