// Conversion of trainline/environment-manager export files into EM's items lives here.
export {};
