-- The shop's MySQL schema, with two things MySQL does differently from what the SQL says:
--   SS702 inline-references-ignored: reviews.customer_id declares REFERENCES in its own definition,
--         which MySQL before 9.0 parses and ignores;
--   SS101 missing-foreign-key: so reviews.customer_id has no foreign key after all;
--   SS705 utf8mb3-character-set: reviews is stored as utf8 (utf8mb3), which cannot hold emoji.

CREATE TABLE customers (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    email VARCHAR(255) NOT NULL,
    status ENUM('active', 'blocked') NOT NULL DEFAULT 'active',
    UNIQUE KEY customers_email (email)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE reviews (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    customer_id BIGINT UNSIGNED NOT NULL REFERENCES customers (id),
    body TEXT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8;
