"""A campaign's action plan as CSV and XLSX, to follow up in a spreadsheet.

Actions are written by executives and consultants, so their text goes through the same
escaping as the answer exports: a cell is never run as a formula.
"""

import csv
import io

from assessments.action_plan import PlannedAction, planned_actions
from assessments.models import Campaign
from reports.exports import inert, xlsx_table

COLUMNS = (
    "level",
    "process_area",
    "process_area_name",
    "title",
    "description",
    "owner",
    "due_date",
    "status",
    "updated",
)
COLUMN_WIDTHS = {"process_area_name": 30, "title": 40, "description": 60, "owner": 24}


def action_rows(campaign: Campaign) -> list[list]:
    return [cells(planned) for planned in planned_actions(campaign)]


def cells(planned: PlannedAction) -> list:
    action, area = planned.action, planned.area
    return [
        area.level_number if area else "",
        action.area_key,
        area.name if area else "",
        action.title,
        action.description,
        action.owner,
        action.due_date,
        action.get_status_display(),
        action.updated_at.date(),
    ]


def actions_csv(campaign: Campaign) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in action_rows(campaign):
        writer.writerow([inert(value) for value in row])
    return buffer.getvalue()


def actions_xlsx(campaign: Campaign) -> bytes:
    return xlsx_table("Action plan", COLUMNS, action_rows(campaign), COLUMN_WIDTHS)
