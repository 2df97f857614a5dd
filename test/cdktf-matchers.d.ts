// Brings cdktf's jest matcher types (toHaveResourceWithProperties …) into the test type-check.
import 'cdktf/lib/testing/adapters/jest';
