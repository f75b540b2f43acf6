-- List searches compare folded text (gevinst_domain::text::search_fold): the stored
-- search text, already lower-cased, gets the same letter folds as the query, so that
-- "skaermbesoeg" finds "skærmbesøg". New and edited potentials are folded when written;
-- this backfills the rest. Keep the pairs equal to SEARCH_FOLDS (a store test checks).
UPDATE potentials SET search_text =
    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(search_text,
        'æ', 'ae'), 'ø', 'oe'), 'å', 'aa'), 'ä', 'ae'), 'ö', 'oe'), 'ü', 'ue'),
        'é', 'e'), 'è', 'e'), 'á', 'a'), 'ó', 'o');
