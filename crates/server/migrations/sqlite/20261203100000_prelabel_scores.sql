-- Pre-annotations stored by `crowdbox prelabel` carry the model's score (0–1); imported ones have none (issue 14).
ALTER TABLE pre_annotations ADD COLUMN score REAL CHECK (score IS NULL OR (score >= 0 AND score <= 1));
