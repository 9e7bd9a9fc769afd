/**
 * Categories and the words product names are built from, in the published file's
 * "Item - Variant" style (e.g. "Cheese - Aged Cheddar"). Variants belong to their
 * item so names stay plausible; the lists hold more combinations than the 452 needed.
 */

export interface CategoryWords {
  name: string;
  /** Shelf life in days for VitalityDays: [min, max]. */
  vitality: readonly [number, number];
  /** Typical unit price range. */
  price: readonly [number, number];
  /** Item → its variants. */
  items: Readonly<Record<string, readonly string[]>>;
}

export const CATEGORIES: readonly CategoryWords[] = [
  {
    name: 'Produce',
    vitality: [3, 21],
    price: [0.5, 12],
    items: {
      Apple: ['Gala', 'Fuji', 'Granny Smith', 'Honeycrisp', 'Red Delicious', 'Organic'],
      Pepper: ['Red', 'Green', 'Yellow', 'Orange', 'Jalapeno', 'Chipotle Dry'],
      Lettuce: ['Romaine', 'Iceberg', 'Boston', 'Frisee', 'Mixed Spring'],
      Tomato: ['Roma', 'Cherry', 'Heirloom', 'On The Vine', 'Plum'],
      Onion: ['Red', 'Yellow', 'Spanish', 'Pearl', 'Green'],
      Potato: ['Russet', 'Yukon Gold', 'Sweet', 'Fingerling', 'Baby Red'],
      Mushroom: ['Portobello', 'Shiitake', 'Oyster', 'Cremini', 'Enoki'],
      Grapes: ['Red Seedless', 'Green Seedless', 'Concord', 'Black'],
      Carrot: ['Bunch', 'Baby', 'Rainbow', 'Organic'],
      Squash: ['Butternut', 'Acorn', 'Spaghetti', 'Zucchini'],
      Citrus: ['Lemon', 'Lime', 'Navel Orange', 'Blood Orange', 'Mandarin'],
      Herbs: ['Basil', 'Cilantro', 'Parsley Italian', 'Dill', 'Thyme', 'Rosemary'],
      Berries: ['Strawberry', 'Blueberry', 'Raspberry', 'Blackberry'],
    },
  },
  {
    name: 'Dairy',
    vitality: [5, 60],
    price: [0.8, 25],
    items: {
      Milk: ['Whole', 'Skim', '2%', 'Lactose Free', 'Organic', 'Chocolate'],
      Cheese: ['Aged Cheddar', 'Mozzarella', 'Parmesan', 'Brie', 'Feta', 'Gouda', 'Swiss'],
      Yogurt: ['Greek Plain', 'Vanilla', 'Strawberry', 'Blueberry', 'Honey'],
      Butter: ['Salted', 'Unsalted', 'Cultured', 'Clarified'],
      Cream: ['Whipping 35%', 'Half And Half', 'Sour', 'Cooking 15%'],
      Eggs: ['Large Brown', 'Large White', 'Free Range', 'Omega 3'],
      Kefir: ['Plain', 'Strawberry', 'Low Fat'],
      Buttermilk: ['Cultured', 'Low Fat'],
      'Cream Cheese': ['Plain', 'Chive', 'Light', 'Garden Vegetable'],
    },
  },
  {
    name: 'Bakery',
    vitality: [2, 10],
    price: [0.6, 18],
    items: {
      Bread: ['Whole Wheat', 'Sourdough', 'Rye', 'Multigrain', 'Italian', 'Raisin'],
      Bagel: ['Plain', 'Sesame', 'Everything', 'Poppy Seed', 'Cinnamon Raisin'],
      Croissant: ['Butter', 'Almond', 'Chocolate', 'Mini'],
      Muffin: ['Blueberry', 'Bran', 'Banana Nut', 'Lemon Poppy'],
      Baguette: ['French', 'Calabrese', 'Olive', 'Demi'],
      Roll: ['Kaiser', 'Dinner', 'Ciabatta', 'Brioche', 'Pretzel'],
      Pita: ['White', 'Whole Wheat', 'Pocket', 'Mini'],
      Tortilla: ['Flour 10 Inch', 'Corn', 'Whole Wheat', 'Spinach'],
      Cake: ['Carrot', 'Cheesecake', 'Black Forest', 'Angel Food'],
      Scone: ['Cranberry Orange', 'Cheddar', 'Plain'],
    },
  },
  {
    name: 'Meat',
    vitality: [2, 30],
    price: [4, 95],
    items: {
      Beef: ['Ground Lean', 'Tenderloin', 'Striploin', 'Short Ribs', 'Brisket', 'Flank'],
      Pork: ['Loin Chops', 'Tenderloin', 'Shoulder', 'Back Ribs', 'Belly'],
      Lamb: ['Rack', 'Leg', 'Shank', 'Ground'],
      Veal: ['Cutlet', 'Chop', 'Osso Bucco', 'Ground'],
      Sausage: ['Italian Mild', 'Chorizo', 'Bratwurst', 'Breakfast'],
      Bacon: ['Smoked', 'Thick Cut', 'Peameal', 'Turkey'],
      Ham: ['Black Forest', 'Honey', 'Prosciutto', 'Smoked'],
      Bison: ['Ground', 'Striploin', 'Burgers'],
      Salami: ['Genoa', 'Hungarian', 'Calabrese', 'Sopressata'],
    },
  },
  {
    name: 'Poultry',
    vitality: [2, 14],
    price: [3, 45],
    items: {
      Chicken: ['Breast', 'Thigh', 'Wings', 'Drumsticks', 'Whole', 'Ground', 'Free Range'],
      Turkey: ['Breast', 'Whole', 'Ground', 'Drumsticks', 'Smoked'],
      Duck: ['Breast', 'Whole', 'Legs Confit', 'Fat'],
      Quail: ['Whole', 'Semi Boneless', 'Eggs'],
      'Cornish Hen': ['Whole', 'Split', 'Frozen'],
      Goose: ['Whole', 'Breast', 'Liver Pate'],
    },
  },
  {
    name: 'Seafood',
    vitality: [1, 7],
    price: [5, 99],
    items: {
      Salmon: ['Atlantic Fillet', 'Sockeye', 'Smoked', 'Steak', 'Wild Coho'],
      Tuna: ['Ahi Steak', 'Albacore', 'Yellowfin', 'Canned Light'],
      Cod: ['Fillet', 'Salted', 'Loin', 'Black'],
      Shrimp: ['Tiger 16/20', 'Cooked', 'Peeled', 'Jumbo'],
      Mussels: ['Blue', 'Green Lip', 'Frozen'],
      Scallops: ['Sea', 'Bay', 'Dry'],
      Lobster: ['Live', 'Tail', 'Claw Meat'],
      Crab: ['King Legs', 'Snow', 'Dungeness', 'Imitation'],
      Halibut: ['Fillet', 'Steak', 'Cheeks'],
      Trout: ['Rainbow Fillet', 'Smoked', 'Steelhead'],
      Oysters: ['Malpeque', 'Kumamoto', 'Shucked'],
      Squid: ['Rings', 'Tubes', 'Whole Cleaned'],
    },
  },
  {
    name: 'Beverages',
    vitality: [90, 720],
    price: [0.8, 60],
    items: {
      Juice: ['Orange', 'Apple', 'Cranberry', 'Grapefruit', 'Tomato', 'Mango'],
      Coffee: ['Espresso Beans', 'Dark Roast', 'Decaf', 'Colombian', 'Cold Brew'],
      Tea: ['Green', 'Earl Grey', 'Chamomile', 'Peppermint', 'Chai'],
      Water: ['Sparkling', 'Spring', 'Mineral', 'Coconut'],
      Soda: ['Cola', 'Ginger Ale', 'Lemon Lime', 'Root Beer', 'Tonic'],
      Wine: ['Merlot', 'Cabernet Sauvignon', 'Chardonnay', 'Pinot Noir', 'Riesling', 'Prosecco'],
      Beer: ['Pale Ale', 'Lager', 'Stout', 'Wheat', 'Pilsner'],
      Kombucha: ['Ginger', 'Raspberry', 'Original'],
      'Plant Milk': ['Almond', 'Oat', 'Soy', 'Coconut'],
      'Energy Drink': ['Original', 'Sugar Free', 'Tropical'],
    },
  },
  {
    name: 'Cereals',
    vitality: [180, 540],
    price: [1.5, 15],
    items: {
      Oats: ['Rolled', 'Steel Cut', 'Quick', 'Instant Maple'],
      Granola: ['Honey Almond', 'Maple Pecan', 'Dark Chocolate', 'Berry'],
      Muesli: ['Swiss', 'Fruit And Nut', 'No Sugar Added'],
      Flakes: ['Corn', 'Bran', 'Frosted', 'Multigrain'],
      Puffs: ['Rice', 'Wheat', 'Kamut', 'Honey'],
      'Cereal Bar': ['Oat And Honey', 'Chocolate Chip', 'Peanut Butter', 'Apple Cinnamon'],
      Porridge: ['Cream Of Wheat', 'Buckwheat', 'Millet'],
    },
  },
  {
    name: 'Confections',
    vitality: [120, 720],
    price: [0.5, 30],
    items: {
      Chocolate: ['Dark 70%', 'Milk', 'White', 'Hazelnut', 'Mint', 'Sea Salt Caramel'],
      Cookie: ['Chocolate Chip', 'Oatmeal Raisin', 'Shortbread', 'Ginger Snap', 'Sugar'],
      Candy: ['Gummy Bears', 'Licorice', 'Jelly Beans', 'Sour Worms', 'Lollipop'],
      Gum: ['Spearmint', 'Peppermint', 'Bubble', 'Cinnamon'],
      Toffee: ['English', 'Almond', 'Chocolate Dipped'],
      Marshmallow: ['Mini', 'Jumbo', 'Vanilla', 'Toasted Coconut'],
      Fudge: ['Chocolate', 'Maple', 'Peanut Butter'],
      Brittle: ['Peanut', 'Almond'],
      Truffles: ['Assorted', 'Champagne', 'Raspberry'],
    },
  },
  {
    name: 'Frozen Foods',
    vitality: [180, 365],
    price: [2, 35],
    items: {
      Pizza: ['Margherita', 'Pepperoni', 'Four Cheese', 'Vegetable', 'Hawaiian'],
      'Ice Cream': ['Vanilla', 'Chocolate', 'Strawberry', 'Cookie Dough', 'Pistachio'],
      Vegetables: ['Peas', 'Mixed', 'Corn', 'Broccoli Florets', 'Spinach'],
      Dumplings: ['Pork', 'Chicken', 'Vegetable', 'Shrimp'],
      Fries: ['Crinkle Cut', 'Shoestring', 'Sweet Potato', 'Wedges'],
      Lasagna: ['Meat', 'Vegetable', 'Family Size'],
      Waffles: ['Buttermilk', 'Blueberry', 'Whole Grain'],
      Burritos: ['Bean And Cheese', 'Beef', 'Chicken'],
      Perogies: ['Potato Cheddar', 'Potato Onion', 'Sauerkraut'],
      Fruit: ['Mixed Berries', 'Wild Blueberry', 'Raspberry', 'Mango Chunks'],
    },
  },
  {
    name: 'Pantry',
    vitality: [180, 900],
    price: [0.7, 40],
    items: {
      Flour: ['All Purpose', 'Whole Wheat', 'Bread', 'Rice', 'Almond'],
      Rice: ['Basmati', 'Jasmine', 'Arborio', 'Wild', 'Brown Long Grain'],
      Pasta: ['Penne', 'Spaghetti', 'Fusilli', 'Linguine', 'Orzo'],
      Oil: ['Extra Virgin Olive', 'Canola', 'Sesame', 'Avocado', 'Sunflower'],
      Vinegar: ['Balsamic', 'Red Wine', 'Apple Cider', 'Rice'],
      Sugar: ['Granulated', 'Brown', 'Icing', 'Cane'],
      Beans: ['Black', 'Kidney', 'Chickpeas', 'Navy', 'Lentils Red'],
      Honey: ['Wildflower', 'Clover', 'Buckwheat', 'Manuka'],
      Sauce: ['Marinara', 'Pesto', 'Alfredo', 'Soy', 'Worcestershire', 'Hot'],
      Spice: ['Cumin Ground', 'Paprika Smoked', 'Cinnamon Stick', 'Black Peppercorn', 'Turmeric'],
      Soup: ['Chicken Noodle', 'Tomato', 'Minestrone', 'Clam Chowder'],
      Nuts: ['Almonds Raw', 'Cashews Roasted', 'Walnut Halves', 'Pecans', 'Pistachios'],
      Jam: ['Strawberry', 'Raspberry Seedless', 'Apricot', 'Orange Marmalade'],
    },
  },
];
