"""Database guards for answers, beyond what a CHECK constraint can see.

An answer's question must belong to its campaign's model version, and its value must be
an option of that version's scale (or NULL for N/A). Both span tables, so they are
triggers; each raises an integrity error that names the rule.

SQLite rebuilds a table to alter it, and refuses while a trigger names a table that is
being rebuilt; so the guards are taken down before `migrate` and put back after it
(apps.py); `migrate` always ends by putting them in place.
"""

WRONG_QUESTION = "answer: the question is not in the campaign''s model version"
OFF_SCALE = "answer: the value is not on the model''s scale"

QUESTION_OK = """EXISTS (
    SELECT 1 FROM assessments_response r
    JOIN assessments_campaign c ON c.id = r.campaign_id
    JOIN models_catalog_question q ON q.maturity_model_id = c.maturity_model_id
    WHERE r.id = NEW.response_id AND q.id = NEW.question_id)"""
VALUE_OK = """(NEW.value IS NULL OR EXISTS (
    SELECT 1 FROM models_catalog_question q
    JOIN models_catalog_scaleoption s ON s.maturity_model_id = q.maturity_model_id
    WHERE q.id = NEW.question_id AND s.value = NEW.value))"""

SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER answer_{name}_{event.lower()} BEFORE {event} ON assessments_answer
    FOR EACH ROW WHEN NOT {condition}
    BEGIN SELECT RAISE(ABORT, '{message}'); END"""
    for name, condition, message in (
        ("question", QUESTION_OK, WRONG_QUESTION),
        ("value", VALUE_OK, OFF_SCALE),
    )
    for event in ("INSERT", "UPDATE")
]
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS answer_{name}_{event}"
    for name in ("question", "value")
    for event in ("insert", "update")
]

POSTGRES_CREATE = [
    f"""CREATE FUNCTION assessments_answer_guard() RETURNS trigger AS $$
    BEGIN
        IF NOT {QUESTION_OK} THEN
            RAISE EXCEPTION '{WRONG_QUESTION}' USING ERRCODE = 'check_violation';
        END IF;
        IF NOT {VALUE_OK} THEN
            RAISE EXCEPTION '{OFF_SCALE}' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER answer_guard BEFORE INSERT OR UPDATE ON assessments_answer
    FOR EACH ROW EXECUTE FUNCTION assessments_answer_guard()""",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS answer_guard ON assessments_answer",
    "DROP FUNCTION IF EXISTS assessments_answer_guard()",
]


INSTALL = {"sqlite": SQLITE_TRIGGERS, "postgresql": POSTGRES_CREATE}
REMOVE = {"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}


def answers_table_exists(connection) -> bool:
    return "assessments_answer" in connection.introspection.table_names()


def remove_answer_guards(connection):
    if answers_table_exists(connection):
        with connection.cursor() as cursor:
            for statement in REMOVE.get(connection.vendor, ()):
                cursor.execute(statement)


def install_answer_guards(connection):
    if answers_table_exists(connection):
        remove_answer_guards(connection)
        with connection.cursor() as cursor:
            for statement in INSTALL.get(connection.vendor, ()):
                cursor.execute(statement)
