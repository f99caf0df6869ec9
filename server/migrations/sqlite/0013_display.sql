-- How a customer likes the portal shown, kept with their profile so it follows them to another
-- device: elder mode (NULL: never chosen, so customers aged 65 or more are offered it) and the
-- colour theme (NULL: follow the device).
ALTER TABLE customers ADD COLUMN elder_mode INTEGER CHECK (elder_mode IN (0, 1));
ALTER TABLE customers ADD COLUMN theme TEXT CHECK (theme IN ('light', 'dark'));
