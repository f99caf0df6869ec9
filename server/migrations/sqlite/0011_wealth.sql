-- Wealth products: the risk questionnaire (versioned, as data), every attempt at it, the product
-- catalogue, the customer's holdings (wealth accounts tied to a product) and subscriptions.

-- Two new purposes of a one-time code: signing a questionnaire's result, confirming a
-- subscription. SQLite cannot change a CHECK, so the table is rebuilt.
CREATE TABLE one_time_codes_new (
    id             TEXT    PRIMARY KEY,
    principal      TEXT    NOT NULL,
    purpose        TEXT    NOT NULL CHECK (purpose IN ('sign_in', 'password_reset', 'password_change', 'reveal_number', 'delegation_consent', 'sign_assessment', 'subscribe')),
    code_hash      TEXT    NOT NULL,
    sent_at        INTEGER NOT NULL,
    wrong_entries  INTEGER NOT NULL DEFAULT 0,
    used_at        INTEGER
);
INSERT INTO one_time_codes_new SELECT id, principal, purpose, code_hash, sent_at, wrong_entries, used_at FROM one_time_codes;
DROP TABLE one_time_codes;
ALTER TABLE one_time_codes_new RENAME TO one_time_codes;
CREATE INDEX one_time_codes_by_principal ON one_time_codes (principal, purpose, sent_at);

CREATE TABLE risk_questionnaires (
    version       INTEGER PRIMARY KEY,
    published_on  TEXT    NOT NULL,
    -- The lowest total score of C2 … C5.
    c2_from       INTEGER NOT NULL,
    c3_from       INTEGER NOT NULL CHECK (c3_from > c2_from),
    c4_from       INTEGER NOT NULL CHECK (c4_from > c3_from),
    c5_from       INTEGER NOT NULL CHECK (c5_from > c4_from)
);

CREATE TABLE risk_questions (
    version   INTEGER NOT NULL REFERENCES risk_questionnaires (version),
    position  INTEGER NOT NULL CHECK (position > 0),
    code      TEXT    NOT NULL,
    text_zh   TEXT    NOT NULL,
    text_en   TEXT    NOT NULL,
    PRIMARY KEY (version, position)
);

CREATE TABLE risk_options (
    version      INTEGER NOT NULL,
    position     INTEGER NOT NULL,
    option_no    INTEGER NOT NULL CHECK (option_no > 0),
    text_zh      TEXT    NOT NULL,
    text_en      TEXT    NOT NULL,
    score        INTEGER NOT NULL CHECK (score >= 0),
    -- The answer shows 5 years or more with the kinds of products above C3 (the age rule).
    experienced  INTEGER NOT NULL DEFAULT 0 CHECK (experienced IN (0, 1)),
    PRIMARY KEY (version, position, option_no),
    FOREIGN KEY (version, position) REFERENCES risk_questions (version, position)
);

-- Every attempt, signed or not. At most two a day: the day's attempt number is unique.
CREATE TABLE risk_assessments (
    id              INTEGER PRIMARY KEY,
    customer_id     INTEGER NOT NULL REFERENCES customers (id),
    version         INTEGER NOT NULL REFERENCES risk_questionnaires (version),
    answers         TEXT    NOT NULL,
    score           INTEGER NOT NULL,
    level           INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),
    capped          INTEGER NOT NULL DEFAULT 0 CHECK (capped IN (0, 1)),
    age             INTEGER NOT NULL,
    channel         TEXT    NOT NULL CHECK (channel IN ('web', 'branch')),
    taken_on        TEXT    NOT NULL,
    attempt_of_day  INTEGER NOT NULL CHECK (attempt_of_day IN (1, 2)),
    created_at      INTEGER NOT NULL,
    signed_at       INTEGER,
    expires_on      TEXT,
    -- A retake that raised the level within 30 days waits for staff review.
    review          TEXT    CHECK (review IN ('pending', 'approved', 'refused')),
    reviewed_by     INTEGER REFERENCES staff_users (id),
    review_reason   TEXT,
    reviewed_at     INTEGER,
    reminded_at     INTEGER,
    UNIQUE (customer_id, taken_on, attempt_of_day)
);
CREATE INDEX risk_assessments_by_customer ON risk_assessments (customer_id, created_at DESC);

CREATE TABLE wealth_products (
    id                   INTEGER PRIMARY KEY,
    code                 TEXT    NOT NULL UNIQUE,
    name_zh              TEXT    NOT NULL,
    name_en              TEXT    NOT NULL,
    kind                 TEXT    NOT NULL CHECK (kind IN ('cash_management', 'fixed_income', 'mixed', 'equity', 'structured')),
    risk                 INTEGER NOT NULL CHECK (risk BETWEEN 1 AND 5),
    currency             TEXT    NOT NULL CHECK (length(currency) = 3),
    min_minor            INTEGER NOT NULL CHECK (min_minor > 0),
    step_minor           INTEGER NOT NULL CHECK (step_minor > 0),
    -- NULL: open-ended.
    term_days            INTEGER CHECK (term_days > 0),
    -- Expected annual yield range in basis points, or a benchmark in words.
    yield_low_bp         INTEGER,
    yield_high_bp        INTEGER,
    benchmark_zh         TEXT    NOT NULL DEFAULT '',
    benchmark_en         TEXT    NOT NULL DEFAULT '',
    subscription_fee_bp  INTEGER NOT NULL DEFAULT 0,
    management_fee_bp    INTEGER NOT NULL DEFAULT 0,
    -- The subscription window, first and last day; NULL: always open.
    window_opens         TEXT,
    window_closes        TEXT,
    private_placement    INTEGER NOT NULL DEFAULT 0 CHECK (private_placement IN (0, 1)),
    disclosure_version   TEXT    NOT NULL,
    disclosure_zh        TEXT    NOT NULL,
    disclosure_en        TEXT    NOT NULL
);

-- A holding is a wealth account of the customer's, tied to its product (one per product).
CREATE TABLE wealth_holdings (
    account_id   INTEGER PRIMARY KEY REFERENCES accounts (id),
    customer_id  INTEGER NOT NULL REFERENCES customers (id),
    product_id   INTEGER NOT NULL REFERENCES wealth_products (id),
    UNIQUE (customer_id, product_id)
);

-- What was shown and confirmed is kept with the subscription. The same confirmation sent twice
-- finds its idempotency key taken.
CREATE TABLE wealth_subscriptions (
    id                   INTEGER PRIMARY KEY,
    customer_id          INTEGER NOT NULL REFERENCES customers (id),
    product_id           INTEGER NOT NULL REFERENCES wealth_products (id),
    paying_account_id    INTEGER NOT NULL REFERENCES accounts (id),
    holding_account_id   INTEGER REFERENCES accounts (id),
    amount_minor         INTEGER NOT NULL CHECK (amount_minor > 0),
    currency             TEXT    NOT NULL CHECK (length(currency) = 3),
    status               TEXT    NOT NULL CHECK (status IN ('pending_review', 'completed', 'cancelled', 'refused')),
    idempotency_key      TEXT    NOT NULL,
    assessment_id        INTEGER NOT NULL REFERENCES risk_assessments (id),
    level_at_time        INTEGER NOT NULL CHECK (level_at_time BETWEEN 1 AND 5),
    disclosure_version   TEXT    NOT NULL,
    elder_warning        INTEGER NOT NULL DEFAULT 0 CHECK (elder_warning IN (0, 1)),
    channel              TEXT    NOT NULL CHECK (channel IN ('web', 'branch')),
    confirmed_at         INTEGER NOT NULL,
    settled_at           INTEGER,
    cooling_off_ends_at  INTEGER,
    cancelled_at         INTEGER,
    reviewed_by          INTEGER REFERENCES staff_users (id),
    review_reason        TEXT,
    reviewed_at          INTEGER,
    UNIQUE (customer_id, idempotency_key)
);
CREATE INDEX wealth_subscriptions_by_customer ON wealth_subscriptions (customer_id, confirmed_at DESC);
CREATE INDEX wealth_subscriptions_by_status ON wealth_subscriptions (status, confirmed_at);
-- The optional VIP needs form: what the customer's money is for and what information they want
-- (codes, comma-separated), in their own words besides; one per customer, kept with the profile.
CREATE TABLE customer_needs (
    customer_id  INTEGER PRIMARY KEY REFERENCES customers (id),
    funds_for    TEXT    NOT NULL DEFAULT '',
    wants        TEXT    NOT NULL DEFAULT '',
    other        TEXT    NOT NULL DEFAULT '',
    suggestions  TEXT    NOT NULL DEFAULT '',
    updated_at   INTEGER NOT NULL
);

-- The risk questionnaire, version 1, as data: its questions and options in both languages, each
-- option's score, and the level boundaries of the total. A later version is a new set of rows;
-- an attempt keeps its version, answers, score and level, so nothing here changes its meaning.
INSERT INTO risk_questionnaires (version, published_on, c2_from, c3_from, c4_from, c5_from) VALUES (1, '2026-12-01', 19, 27, 35, 43);

INSERT INTO risk_questions (version, position, code, text_zh, text_en) VALUES
(1, 1, 'age', '您的年龄是？', 'How old are you?'),
(1, 2, 'income', '您家庭的年收入约为？', 'What is your household''s annual income?'),
(1, 3, 'assets', '您可用于投资的金融资产约为？', 'How much do you hold in financial assets you could invest?'),
(1, 4, 'share', '您计划投资的金额占您金融资产的比例是？', 'What share of your financial assets do you plan to invest?'),
(1, 5, 'experience', '您有哪些投资经验，有多少年？', 'What have you invested in, and for how many years?'),
(1, 6, 'objective', '您投资的主要目标是？', 'What is the main aim of your investment?'),
(1, 7, 'horizon', '您计划的投资期限是？', 'For how long do you plan to invest?'),
(1, 8, 'liquidity', '未来一年内，您可能需要动用这笔资金吗？', 'Might you need this money within the next year?'),
(1, 9, 'loss', '如果您的投资下跌，您会怎么做？', 'If your investment fell in value, what would you do?'),
(1, 10, 'knowledge', '您对金融产品的了解程度是？', 'How well do you know financial products?');

INSERT INTO risk_options (version, position, option_no, text_zh, text_en, score, experienced) VALUES
(1, 1, 1, '18–30 岁', '18 to 30', 3, 0),
(1, 1, 2, '31–50 岁', '31 to 50', 4, 0),
(1, 1, 3, '51–64 岁', '51 to 64', 2, 0),
(1, 1, 4, '65 岁及以上', '65 or older', 1, 0),
(1, 2, 1, '10 万元以下', 'Under 100,000 yuan', 1, 0),
(1, 2, 2, '10 万–30 万元', '100,000 to 300,000 yuan', 2, 0),
(1, 2, 3, '30 万–50 万元', '300,000 to 500,000 yuan', 3, 0),
(1, 2, 4, '50 万–100 万元', '500,000 to 1 million yuan', 4, 0),
(1, 2, 5, '100 万元以上', 'Over 1 million yuan', 5, 0),
(1, 3, 1, '50 万元以下', 'Under 500,000 yuan', 1, 0),
(1, 3, 2, '50 万–100 万元', '500,000 to 1 million yuan', 2, 0),
(1, 3, 3, '100 万–300 万元', '1 to 3 million yuan', 3, 0),
(1, 3, 4, '300 万–1000 万元', '3 to 10 million yuan', 4, 0),
(1, 3, 5, '1000 万元以上', 'Over 10 million yuan', 5, 0),
(1, 4, 1, '70% 以上', 'More than 70%', 1, 0),
(1, 4, 2, '50%–70%', '50% to 70%', 2, 0),
(1, 4, 3, '30%–50%', '30% to 50%', 3, 0),
(1, 4, 4, '10%–30%', '10% to 30%', 4, 0),
(1, 4, 5, '10% 以下', 'Less than 10%', 5, 0),
(1, 5, 1, '除存款外没有投资经验', 'Nothing but deposits', 1, 0),
(1, 5, 2, '国债、银行理财等低风险产品', 'Government bonds and low-risk bank products', 2, 0),
(1, 5, 3, '基金、股票等，不满 5 年', 'Funds or shares, for less than 5 years', 3, 0),
(1, 5, 4, '基金、股票等，5 年及以上', 'Funds or shares, for 5 years or more', 4, 1),
(1, 5, 5, '期货、衍生品、私募等，5 年及以上', 'Futures, derivatives or private funds, for 5 years or more', 5, 1),
(1, 6, 1, '保本，不愿承担任何损失', 'Keep my capital safe; I accept no loss', 1, 0),
(1, 6, 2, '获得稳定收益，承担较小波动', 'A steady income with small ups and downs', 2, 0),
(1, 6, 3, '收益与风险平衡', 'A balance of return and risk', 3, 0),
(1, 6, 4, '资产较快增长，承担较大波动', 'Faster growth, accepting larger swings', 4, 0),
(1, 6, 5, '追求高收益，可承担较大损失', 'High returns, accepting large losses', 5, 0),
(1, 7, 1, '1 年以内', 'Less than a year', 1, 0),
(1, 7, 2, '1–3 年', '1 to 3 years', 2, 0),
(1, 7, 3, '3–5 年', '3 to 5 years', 4, 0),
(1, 7, 4, '5 年以上', 'More than 5 years', 5, 0),
(1, 8, 1, '很可能需要动用大部分', 'Very likely, most of it', 1, 0),
(1, 8, 2, '可能需要动用一部分', 'Perhaps some of it', 3, 0),
(1, 8, 3, '基本不需要', 'Hardly at all', 5, 0),
(1, 9, 1, '下跌 10% 就全部卖出', 'Sell everything at a 10% loss', 1, 0),
(1, 9, 2, '下跌 20% 以内可以接受，超过就卖出', 'Accept up to 20%, sell beyond that', 2, 0),
(1, 9, 3, '下跌 30% 以内可以接受，继续持有', 'Accept up to 30% and hold on', 4, 0),
(1, 9, 4, '下跌 30% 以上也继续持有甚至加仓', 'Hold on, or buy more, even beyond 30%', 5, 0),
(1, 10, 1, '基本不了解', 'Hardly at all', 1, 0),
(1, 10, 2, '了解存款、国债等基本产品', 'I know deposits and government bonds', 2, 0),
(1, 10, 3, '了解基金、股票的风险与收益', 'I understand the risks and returns of funds and shares', 4, 0),
(1, 10, 4, '熟悉衍生品、私募等复杂产品', 'I know derivatives and private funds well', 5, 0);
