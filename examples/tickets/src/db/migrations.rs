//! Schema migrations, applied in order; `PRAGMA user_version` records how many ran. A migration
//! is never edited once released: a change is a new entry at the end.

/// Every migration, oldest first.
pub(super) const MIGRATIONS: &[&str] = &[
    // 1: the first release, projects and tickets with text statuses.
    r"
    CREATE TABLE projects (
        id      INTEGER PRIMARY KEY,
        name    TEXT NOT NULL,
        details TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE tickets (
        id          INTEGER PRIMARY KEY,
        project_id  INTEGER NOT NULL REFERENCES projects(id),
        headline    TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        status      TEXT NOT NULL,
        created_at  TEXT NOT NULL
    );
    CREATE INDEX tickets_by_project ON tickets(project_id);
    ",
    // 2: Leantime's domain. Integer statuses, Leantime's ticket and project fields, users (an
    // API key is a user of its own), clients, project members, sprints, comments, timesheets.
    // Every table whose ids clients see uses AUTOINCREMENT: a deleted id is never issued again,
    // so a stale delete cannot hit a newer row of another project.
    r"
    CREATE TABLE clients (
        id        INTEGER PRIMARY KEY AUTOINCREMENT,
        name      TEXT NOT NULL,
        street    TEXT NOT NULL DEFAULT '',
        zip       TEXT NOT NULL DEFAULT '',
        city      TEXT NOT NULL DEFAULT '',
        state     TEXT NOT NULL DEFAULT '',
        country   TEXT NOT NULL DEFAULT '',
        phone     TEXT NOT NULL DEFAULT '',
        internet  TEXT NOT NULL DEFAULT '',
        email     TEXT NOT NULL DEFAULT '',
        modified  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%S', 'now'))
    );
    INSERT INTO clients (id, name) VALUES (1, 'Default client');

    CREATE TABLE projects_v2 (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        name          TEXT NOT NULL,
        details       TEXT NOT NULL DEFAULT '',
        client_id     INTEGER REFERENCES clients(id),
        state         INTEGER NOT NULL DEFAULT 0,
        start         TEXT,
        end           TEXT,
        hour_budget   REAL NOT NULL DEFAULT 0,
        dollar_budget REAL NOT NULL DEFAULT 0,
        type          TEXT NOT NULL DEFAULT 'project',
        created       TEXT NOT NULL,
        modified      TEXT NOT NULL
    );
    INSERT INTO projects_v2 (id, name, details, client_id, created, modified)
        SELECT id, name, details, 1, strftime('%Y-%m-%d %H:%M:%S', 'now'),
               strftime('%Y-%m-%d %H:%M:%S', 'now')
        FROM projects;

    CREATE TABLE users (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        firstname  TEXT NOT NULL DEFAULT '',
        lastname   TEXT NOT NULL DEFAULT '',
        username   TEXT NOT NULL UNIQUE,
        role       INTEGER NOT NULL,
        status     TEXT NOT NULL DEFAULT 'a',
        source     TEXT NOT NULL DEFAULT '',
        api_key_id TEXT UNIQUE,
        client_id  INTEGER REFERENCES clients(id),
        job_title  TEXT NOT NULL DEFAULT '',
        modified   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%S', 'now'))
    );

    CREATE TABLE project_users (
        project_id INTEGER NOT NULL REFERENCES projects_v2(id) ON DELETE CASCADE,
        user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        role       TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (project_id, user_id)
    );

    CREATE TABLE tickets_v2 (
        id                  INTEGER PRIMARY KEY AUTOINCREMENT,
        project_id          INTEGER NOT NULL REFERENCES projects_v2(id),
        headline            TEXT NOT NULL,
        description         TEXT NOT NULL DEFAULT '',
        status              INTEGER NOT NULL DEFAULT 3,
        type                TEXT NOT NULL DEFAULT 'task',
        date                TEXT NOT NULL,
        user_id             INTEGER,
        editor_id           INTEGER,
        milestone_id        INTEGER,
        sprint              INTEGER,
        depending_ticket_id INTEGER,
        priority            INTEGER,
        storypoints         REAL,
        plan_hours          REAL,
        hour_remaining      REAL,
        date_to_finish      TEXT,
        edit_from           TEXT,
        edit_to             TEXT,
        tags                TEXT NOT NULL DEFAULT '',
        acceptance_criteria TEXT NOT NULL DEFAULT '',
        sort_index          INTEGER,
        modified            TEXT NOT NULL
    );
    INSERT INTO tickets_v2 (id, project_id, headline, description, status, date, modified)
        SELECT id, project_id, headline, description,
               CASE status WHEN 'blocked' THEN 1 WHEN 'waiting' THEN 2 WHEN 'in_progress' THEN 4
                           WHEN 'done' THEN 0 WHEN 'archived' THEN -1 ELSE 3 END,
               replace(replace(created_at, 'T', ' '), 'Z', ''),
               replace(replace(created_at, 'T', ' '), 'Z', '')
        FROM tickets;
    DROP TABLE tickets;
    DROP TABLE projects;
    ALTER TABLE projects_v2 RENAME TO projects;
    ALTER TABLE tickets_v2 RENAME TO tickets;
    CREATE INDEX tickets_by_project ON tickets(project_id, id);
    CREATE INDEX tickets_by_editor ON tickets(editor_id);
    CREATE INDEX tickets_by_parent ON tickets(depending_ticket_id);
    CREATE INDEX tickets_by_milestone ON tickets(milestone_id);

    CREATE TABLE sprints (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        project_id INTEGER NOT NULL REFERENCES projects(id),
        name       TEXT NOT NULL,
        start_date TEXT,
        end_date   TEXT,
        modified   TEXT NOT NULL
    );
    CREATE INDEX sprints_by_project ON sprints(project_id);

    CREATE TABLE comments (
        id             INTEGER PRIMARY KEY AUTOINCREMENT,
        module         TEXT NOT NULL,
        module_id      INTEGER NOT NULL,
        project_id     INTEGER NOT NULL REFERENCES projects(id),
        user_id        INTEGER NOT NULL,
        comment_parent INTEGER NOT NULL DEFAULT 0,
        text           TEXT NOT NULL,
        date           TEXT NOT NULL,
        status         TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX comments_by_entity ON comments(module, module_id);

    CREATE TABLE timesheets (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        user_id     INTEGER NOT NULL,
        ticket_id   INTEGER NOT NULL,
        project_id  INTEGER NOT NULL REFERENCES projects(id),
        work_date   TEXT NOT NULL,
        hours       REAL NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        kind        TEXT NOT NULL,
        modified    TEXT NOT NULL
    );
    CREATE INDEX timesheets_by_ticket ON timesheets(ticket_id);
    CREATE INDEX timesheets_by_project_date ON timesheets(project_id, work_date);
    ",
];
