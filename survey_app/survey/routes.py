"""Routes of the `survey` blueprint."""

from flask import Blueprint

bp = Blueprint("survey", __name__)
