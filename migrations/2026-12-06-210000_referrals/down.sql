DROP TABLE referral_defaults;
DROP TABLE referral_registrations;
DROP TABLE referral_codes;
